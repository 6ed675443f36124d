/**
 * The backend registry: the one place below the CLI that turns a backend's
 * name into a Backend. Scenarios take whatever NodeBackend they are handed;
 * the CLI, the scenario tests (BACKEND=docker) and the benchmarks ask here.
 *
 * Rules:
 * - Only this folder (and the CLI above it) may import more than one backend;
 *   the lint fence and the import-graph test hold everything else to that.
 * - Opening Docker connects to the engine and builds the node image when its
 *   inputs changed (its layers are cached), so a run never uses a stale daemon.
 */
import { UsageError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { createDockerBackend } from '../docker/docker-backend.js';
import { connectDocker } from '../docker/docker-client.js';
import { buildNodeImage } from '../docker/image.js';
import { ENGINE_KINDS, refuseWhatTheEngineCannotRun, type NodeEngineKind } from '../docker/node-config.js';
import { createSimBackend } from '../sim/sim-backend.js';
import type { NodeBackend } from '../spec/node-spec.js';

export const BACKEND_NAMES = ['sim', 'docker'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export { ENGINE_KINDS, refuseWhatTheEngineCannotRun, type NodeEngineKind };

export interface BackendChoice {
  readonly name: BackendName;
  /** Docker: what runs VRRP in the nodes (default keepalived); per node in `engines`. */
  readonly engine?: NodeEngineKind;
  readonly engines?: Readonly<Record<NodeId, NodeEngineKind>>;
  /** Keep every frame the nodes send: the cluster then has the `capture` capability. */
  readonly capture?: boolean;
  /** Docker: run vrrp_script commands as written instead of the scenario-controlled stub. */
  readonly realScripts?: boolean;
  /** Progress lines (image build, networks moved, nodes up). */
  readonly log?: (line: string) => void;
}

/** A backend name from the command line or the environment, or a UsageError listing the names. */
export function backendName(value: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(value)) throw new UsageError(`unknown backend '${value}': expected ${BACKEND_NAMES.join(' or ')}`);
  return value as BackendName;
}

/** An engine name, or a UsageError listing the engines. */
export function engineName(value: string): NodeEngineKind {
  if (!(ENGINE_KINDS as readonly string[]).includes(value)) throw new UsageError(`unknown engine '${value}': expected ${ENGINE_KINDS.join(' or ')}`);
  return value as NodeEngineKind;
}

/** The named backend, ready to create clusters (Docker: engine reached, image built). */
export async function openBackend(choice: BackendChoice): Promise<NodeBackend> {
  if (choice.name === 'sim') return createSimBackend({ capture: choice.capture === true });
  const log = choice.log ?? (() => undefined);
  const docker = await connectDocker();
  const image = await buildNodeImage(docker, { progress: (l) => log(`image: ${l}`) });
  if (image.built) log(`built ${image.image} in ${image.seconds.toFixed(1)} s`);
  return createDockerBackend({
    docker,
    image: image.image,
    log,
    capture: choice.capture === true,
    realScripts: choice.realScripts === true,
    engine: choice.engine ?? 'keepalived',
    ...(choice.engines === undefined ? {} : { engines: choice.engines }),
  });
}
