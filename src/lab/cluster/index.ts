export { runClusterScenario, clusterInputs, type ClusterRun } from './run-scenario.js';
export { allClusterAgentFactories, pacemakerAgentFactory } from './agents.js';
export { judgeAll, servicePlacement, type ExpectationFailure } from './expect.js';
