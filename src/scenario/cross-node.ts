/**
 * The cross-node findings of `validate` for the nodes a scenario runs: the
 * mistakes keepalived never sees because it reads one file at a time
 * (advert_int, VIPs, authentication or version that differ between peers, a
 * unicast peer missing from a list). On the wire each makes a node drop the
 * other's adverts, so a run that ends in two masters is explained before its
 * timeline starts.
 *
 * Rules
 * - The same checks and severities as `validate` (config/rules/cluster.ts),
 *   run on the models the scenario already parsed; nothing is read again.
 * - Findings are sorted as validate sorts them (file, line, column).
 */
import { compareDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { clusterNodeFromModel } from '../config/rules/cluster-adapter.js';
import { clusterFindings } from '../config/rules/cluster.js';
import type { PreparedScenario } from './topology.js';

/**
 * The findings (info ones left out, as simulate shows the per-file ones);
 * `show` turns a config's path into the one to print, in messages too (the
 * scenario holds absolute paths, the user gave relative ones).
 */
export function crossNodeFindings(prepared: Pick<PreparedScenario, 'nodes'>, show: (file: string) => string = (f) => f): Diagnostic[] {
  if (prepared.nodes.length < 2) return [];
  const nodes = prepared.nodes.map((n) => clusterNodeFromModel(n.id, n.id, n.model));
  return clusterFindings(nodes)
    .filter((d) => d.severity !== 'info')
    .sort(compareDiagnostics)
    .map((d) => (d.file === undefined ? d : { ...d, message: withPathsShown(d, show) }));
}

function withPathsShown(d: Diagnostic, show: (file: string) => string): string {
  const related = ((d.data as { related?: readonly { file: string }[] } | undefined)?.related ?? []).map((r) => r.file);
  let message = d.message;
  for (const file of new Set([d.file as string, ...related])) message = message.split(file).join(show(file));
  return message;
}
