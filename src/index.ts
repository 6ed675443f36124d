/**
 * The public API of the `vrrp-lab` package: re-exports only.
 *
 *   import { loadScenarioFile, simulate, mastersAt } from 'vrrp-lab';
 *   const { run } = await simulate(loadScenarioFile('failover.scenario'));
 *
 * Rooms, in the order a user meets them:
 * - configs: parseConfig / loadConfig (keepalived's own checks) and
 *   validatePaths (the checks across the nodes of one cluster, as `validate`);
 * - scenarios: the builder, the `.scenario` reader, the event words;
 * - runs: simulate() on the simulator, runScenario() on any backend
 *   (openBackend('sim' | 'docker') or createSimBackend(); Docker: 'vrrp-lab/docker');
 * - the timeline and its queries (mastersAt, holdersAt, stateAt, …), the
 *   expectations read from it, and the checker library (as `checkers`);
 * - clusters that fence: the cluster `.scenario` reader and runner;
 * - core: time, seeds, errors, the Backend port and its events.
 * Test helpers live in 'vrrp-lab/matchers', 'vrrp-lab/vitest' and
 * 'vrrp-lab/testcontainers'.
 */
export * from './core/index.js';
export { parseConfig, loadConfig, findConfigs, looksLikeKeepalived, type ParseOptions, type ParseResult, type LoadOptions } from './config/index.js';
export type { KeepalivedConfig } from './config/index.js';
export { validatePaths, type ValidateOptions } from './cli/validate/run-validation.js';
export type { ValidationReport, FileReport, ClusterReport, Summary } from './cli/validate/report.js';
export * from './scenario/index.js';
export { simulate, openBackend, backendName, engineName, BACKEND_NAMES, ENGINE_KINDS, type SimulateOptions, type SimulateResult, type BackendName, type BackendChoice, type NodeEngineKind } from './lab/index.js';
export { createSimBackend, type SimBackendOptions } from './sim/index.js';
export type { NodeBackend, NodeClusterSpec, NodeSpec } from './spec/index.js';
export * as checkers from './check/index.js';
export { parseClusterScenario, type ClusterScenario, type ClusterExpectation } from './scenario/cluster/index.js';
export { runClusterScenario, judgeAll as judgeClusterExpectations, servicePlacement, type ClusterRun, type ExpectationFailure as ClusterExpectationFailure } from './lab/cluster/index.js';
export type { ClusterOutEvent } from './sim/cluster/index.js';
