export { runClusterScenario, clusterInputs, type ClusterRun } from './run-scenario.js';
export { judgeAll, servicePlacement, type ExpectationFailure } from './expect.js';
