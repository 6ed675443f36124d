/**
 * The backend contract on Docker, once with real keepalived in the containers
 * and once with this project's engine (the node daemon). Skipped, with the
 * reason, where no Docker engine is reachable.
 *
 * Times are held to 0.3 s of the prediction, the tolerance the recordings of
 * real keepalived are replayed with: process start-up, `docker exec` latency
 * and notify forks add milliseconds to tens of milliseconds.
 */
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import type { NodeEngineKind } from '../../src/docker/node-config.js';
import { nodeImage, skipReason } from '../docker/docker-test-utils.js';
import { type BackendContract, runBackendContract } from './backend.contract.js';
import { describe, it } from 'vitest';

const ENGINES: readonly NodeEngineKind[] = ['keepalived', 'ts'];

/** Where an engine does not yet do what real keepalived does, with what was seen. */
const SKIP: Readonly<Record<NodeEngineKind, BackendContract['skip']>> = {
  keepalived: [],
  ts: [],
};

if (skipReason !== undefined) {
  describe.skip(`backend contract on Docker [skipped: ${skipReason}]`, () => it('needs a Docker engine', () => undefined));
} else {
  for (const engine of ENGINES) {
    runBackendContract({
      name: `docker --engine ${engine}`,
      newBackend: async () => createDockerBackend({ image: await nodeImage(), engine }),
      toleranceUs: 300_000,
      linkDelayUs: 0,
      timeoutMs: 120_000,
      skip: SKIP[engine] ?? [],
    });
  }
}
