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
    if (!read.conf || read.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: read.diagnostics };
    const spec = clusterSpecFromCorosync(read.conf, options.boot);
    const first = spec.nodes[0];
    // readCorosyncConf already reports votequorum's refusals located; this is the engine's own guard.
    const refusal = first?.quorum ? votequorumConfigError(votequorumConfigOf(read.conf, first.id)) : undefined;
    if (refusal) return { diagnostics: [...read.diagnostics, { code: 'votequorum-refused', severity: 'error', message: refusal, file: path, line: 0, column: 0 }] };
    return { spec, diagnostics: read.diagnostics };
  },
};

export const clusterConfigReaders: ClusterConfigReader[] = [corosyncReader, clusterConfReader];

export function readerFor(text: string, path: string): ClusterConfigReader | undefined {
  return clusterConfigReaders.find((r) => r.detect(text, path));
}
