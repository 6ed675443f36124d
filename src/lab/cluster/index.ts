export { runClusterScenario, clusterInputs, readClusterInputs, type ClusterRun } from './run-scenario.js';
export { allClusterAgentFactories, pacemakerAgentFactory } from './agents.js';
export { judge, judgeAll, servicePlacement, type ExpectationFailure } from './expect.js';
export { replayCluster, checkClusterScript, clusterAgents, withCib, parseClusterEvent, ClusterRunTooLarge, type ClusterReplay, type NodeLife, type ClusterEvent, type ClusterInputs, type ClusterNote, type ClusterOutEvent, type NodeStatus } from './replay.js';
