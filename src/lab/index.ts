/**
 * The assembly: the one place below the CLI that names backends. Scenarios
 * (src/scenario) run on any Backend they are handed; this folder picks the
 * simulator or Docker for a caller that has only a name, and offers
 * `simulate()`, a scenario on the simulator with its capture.
 */
export { simulate, type SimulateOptions, type SimulateResult } from './simulate.js';
export { freshSeed, chooseRunSeed } from './seed.js';
export { openBackend, backendName, engineName, BACKEND_NAMES, ENGINE_KINDS, type BackendName, type BackendChoice, type NodeEngineKind } from './backends.js';
