/**
 * Telling a corosync.conf from other files by its first lines, without loading
 * the reader (the validator asks this of every file it is given).
 */

/** corosync.conf opens `totem {`, `quorum {`, `nodelist {` or `logging {` sections at the top. */
export function looksLikeCorosyncConf(text: string): boolean {
  return /^[ \t]*(totem|nodelist|quorum)[ \t]*\{[ \t]*$/m.test(text.slice(0, 65536));
}
