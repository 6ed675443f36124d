/**
 * corosync 3's corosync.conf: parser, located model and checks.
 *
 *   readCorosyncConf(text, file) → { conf, diagnostics }   (conf absent when the file cannot be parsed)
 *   looksLikeCorosyncConf(text)   → true when the text has corosync's top-level sections
 */
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { buildCorosyncConf } from './build.js';
import { corosyncFindings } from './checks.js';
import type { CorosyncConf } from './model.js';
import { parseCorosyncText } from './parse.js';

export { looksLikeCorosyncConf } from './detect.js';
export type * from './model.js';
export { nodeName } from './model.js';
export { corosyncFindings, fenceTimeoutFindings, nodelistVotes, parseAtbNode, MAX_NODES } from './checks.js';
export { parseCorosyncText, MAX_LINE_CHARS, MAX_TEXT_BYTES, type CsItem, type CsSection, type CsPos } from './parse.js';

export interface CorosyncRead {
  readonly conf?: CorosyncConf;
  readonly diagnostics: readonly Diagnostic[];
}

export function readCorosyncConf(text: string, file: string): CorosyncRead {
  const parsed = parseCorosyncText(text, file);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  const built = buildCorosyncConf(parsed.root, file);
  const diagnostics = [...built.diagnostics, ...corosyncFindings(built.conf)].sort(compareDiagnostics);
  return { conf: built.conf, diagnostics };
}
