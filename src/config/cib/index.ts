/**
 * Pacemaker CIB: read (located, bounded) and checked.
 *
 *   readCib(text, file) → { cib, diagnostics }   (throws a located XmlError / ConfigError 'not-a-cib')
 *   checkCib(cib)       → diagnostics a reviewer (and crm_verify) would raise
 *   looksLikeCib(text)  → whether a file is a CIB, for validate's file-kind detection
 */
export * from './model.js';
export { readCib, parseScore, parseDurationMs, MAX_NODES, MAX_RESOURCES, type ReadCibResult } from './read.js';
export { checkCib } from './checks.js';

/** A CIB's root element is <cib> (after an optional XML declaration and comments). */
export function looksLikeCib(text: string): boolean {
  return /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<cib[\s>]/.test(text.slice(0, 4096));
}
