/**
 * Which cluster configuration a file is, and how it becomes a cluster spec.
 *
 * Extension point: a reader per file kind. `cluster simulate --config FILE`
 * asks each reader in `clusterConfigReaders` whether it recognises the text;
 * the first that does builds the spec (corosync.conf here; RHCS cluster.conf
 * registers its own reader, in the cman flavour). Agents (fencing, services,
 * disks) come from the factories in src/sim/cluster/agents.ts.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { looksLikeCorosyncConf, readCorosyncConf } from '../../config/corosync/index.js';
import type { HaClusterSpec } from '../../spec/ha-cluster.js';
import { clusterSpecFromCorosync, votequorumConfigOf } from './from-corosync.js';
import { votequorumConfigError } from '../../fencing/quorum.js';
import { clusterConfReader } from './from-cluster-conf.js';

export interface ClusterConfigRead {
  /** Absent when the file has errors that stop corosync (or cman) from starting. */
  readonly spec?: HaClusterSpec;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ClusterConfigReader {
  /** The kind's usual file name, e.g. `corosync.conf`. */
  readonly kind: string;
  detect(text: string, path: string): boolean;
  read(text: string, path: string, options: { readonly boot?: readonly string[] }): ClusterConfigRead;
}

export const corosyncReader: ClusterConfigReader = {
  kind: 'corosync.conf',
  detect: (text, path) => /(^|\/)corosync[^/]*\.conf$/.test(path) || looksLikeCorosyncConf(text),
  read(text, path, options) {
    const read = readCorosyncConf(text, path);
    if (!read.conf) return { diagnostics: read.diagnostics };
    // votequorum's startup refusals are the simulation of a cluster whose nodes exit at start;
    // anything else that stops corosync reading the file leaves nothing to simulate.
    const blocking = read.diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('votequorum-'));
    if (blocking.length > 0) return { diagnostics: read.diagnostics };
    const spec = clusterSpecFromCorosync(read.conf, options.boot);
    const first = spec.nodes[0];
    const refusal = first?.quorum ? votequorumConfigError(votequorumConfigOf(read.conf, first.id)) : undefined;
    return { spec: refusal ? { ...spec, startupError: refusal } : spec, diagnostics: read.diagnostics };
  },
};

export const clusterConfigReaders: ClusterConfigReader[] = [corosyncReader, clusterConfReader];

export function readerFor(text: string, path: string): ClusterConfigReader | undefined {
  return clusterConfigReaders.find((r) => r.detect(text, path));
}
