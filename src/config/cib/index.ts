/**
 * Pacemaker CIB: read (located, bounded) and checked.
 *
 *   readCib(text, file) → { cib, diagnostics }   (throws a located XmlError / ConfigError 'not-a-cib')
 *   checkCib(cib)       → diagnostics a reviewer (and crm_verify) would raise
 *   looksLikeCib(text)  → whether a file is a CIB, for validate's file-kind detection
 *   validateCib(text, file) → all of the above as diagnostics, malformed XML included
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { ConfigError } from '../../core/errors.js';
import { readCib as read } from './read.js';
import { checkCib as check } from './checks.js';

export * from './model.js';
export { readCib, parseScore, parseDurationMs, MAX_NODES, MAX_RESOURCES, type ReadCibResult } from './read.js';
export { checkCib } from './checks.js';

/** A CIB's root element is <cib> (after an optional XML declaration and comments). */
export function looksLikeCib(text: string): boolean {
  return /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<cib[\s>]/.test(text.slice(0, 4096));
}

/** Everything `validate` says about a CIB: malformed XML as one located error, else the reader's and the checks' findings. */
export function validateCib(text: string, file: string): Diagnostic[] {
  try {
    const { cib, diagnostics } = read(text, file);
    return [...diagnostics, ...check(cib)];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const at = e.location;
    const message = at ? e.message.slice(`${at.file}:${at.line}:${at.column}: `.length) : e.message;
    return [{ severity: 'error', code: e.code, message, file, line: at?.line ?? 1, column: at?.column ?? 1 }];
  }
}
