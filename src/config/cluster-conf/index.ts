/**
 * RHCS cluster.conf: read the XML (src/config/xml.ts), build the located model, and
 * run the reviewer's checks. Malformed XML, a root that is not `<cluster>` or a file
 * beyond the node limit gives diagnostics and no model; everything else gives the
 * model and its diagnostics, sorted by position.
 */
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { ConfigError } from '../../core/errors.js';
import { parseXml } from '../xml.js';
import { checkClusterConf } from './checks.js';
import type { ClusterConf } from './model.js';
import { Reader, readClusterElement } from './read.js';

export type * from './model.js';
export { MAX_CLUSTER_NODES } from './read.js';

export interface ClusterConfResult {
  readonly model?: ClusterConf;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ReadClusterConfOptions {
  /** The running (previous) cluster.conf, to check that config_version went up. */
  readonly previous?: { readonly text: string; readonly file: string };
}

export function readClusterConf(text: string, file: string, options: ReadClusterConfOptions = {}): ClusterConfResult {
  const first = buildModel(text, file);
  if (first.model === undefined) return first;
  const r = new Reader(file);
  const previous = options.previous === undefined ? undefined : buildModel(options.previous.text, options.previous.file).model;
  checkClusterConf(first.model, (code, severity, at, message, hint) => r.report(code, severity, at, message, hint), previous);
  return { model: first.model, diagnostics: [...first.diagnostics, ...r.diagnostics].sort(compareDiagnostics) };
}

function buildModel(text: string, file: string): ClusterConfResult {
  const r = new Reader(file);
  try {
    const doc = parseXml(text, { file });
    const model = readClusterElement(r, doc.root);
    return { ...(model !== undefined ? { model } : {}), diagnostics: r.diagnostics };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const loc = e.location;
    const message = loc !== undefined ? e.message.slice(`${loc.file}:${loc.line}:${loc.column}: `.length) : e.message;
    return { diagnostics: [{ code: e.code, severity: 'error', message, file, ...(loc ? { line: loc.line, column: loc.column } : {}) }] };
  }
}

/** Does this text look like a cluster.conf (for `validate`'s file-kind detection)? */
export function looksLikeClusterConf(text: string): boolean {
  return /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<cluster[\s>]/.test(text);
}
