/**
 * The backend contract on the simulator: always runs, and holds it to the
 * microsecond (its links delay every packet by the default 100 µs).
 */
import { DEFAULT_LATENCY_US } from '../../src/sim/network.js';
import { createSimBackend } from '../../src/sim/sim-backend.js';
import { runBackendContract } from './backend.contract.js';

runBackendContract({ name: 'simulator', newBackend: () => createSimBackend(), toleranceUs: 0, linkDelayUs: DEFAULT_LATENCY_US });
