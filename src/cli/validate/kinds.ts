/**
 * Which kind of file `vrrp-lab validate` was given, and who checks it.
 *
 * Theory of operation: each kind registers a `FileKind` in `fileKinds` with a
 * `detect` on the file's name and first 64 KiB, and a `validate` that returns
 * located diagnostics for the whole text. A file no kind claims is a
 * keepalived.conf (the validator's original business, with includes, cluster
 * checks and the election table, see run-validation.ts).
 *
 * A kind's reader is imported only when a file of that kind is met, so checking
 * keepalived.conf files loads none of them (start-up time, issue 11.5).
 *
 * To add a kind: append a `FileKind` here (or replace a placeholder's
 * `validate` with the real reader's checks).
 */
import { looksLikeCorosyncConf } from '../../config/corosync/detect.js';
import type { Diagnostic } from '../../core/diagnostic.js';

export interface FileKind {
  /** The kind's usual name, shown in reports: `corosync.conf`, `cluster.conf`, `cib.xml`. */
  readonly kind: string;
  detect(path: string, head: string): boolean;
  /** Located diagnostics for the file; absent: recognised, but no reader in this build. */
  readonly validate?: (path: string, text: string, context?: KindContext) => Promise<readonly Diagnostic[]>;
}

/** What a reader may compare the file with. */
export interface KindContext {
  /** The running cluster.conf (`validate --previous`): config_version must go up. */
  readonly previous?: { readonly text: string; readonly file: string };
}

const xmlRoot = (head: string): string | undefined => /<([A-Za-z_][\w.-]*)[\s>/]/.exec(head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, ''))?.[1];

export const fileKinds: FileKind[] = [
  {
    kind: 'corosync.conf',
    detect: (path, head) => /(^|\/)corosync[^/]*\.conf$/.test(path) || looksLikeCorosyncConf(head),
    validate: async (path, text) => (await import('../../config/corosync/index.js')).readCorosyncConf(text, path).diagnostics,
  },
  {
    kind: 'cluster.conf',
    detect: (path, head) => xmlRoot(head) === 'cluster' || (/(^|\/)cluster\.conf$/.test(path) && head.trimStart().startsWith('<')),
    validate: async (path, text, context) =>
      (await import('../../config/cluster-conf/index.js')).readClusterConf(text, path, context?.previous ? { previous: context.previous } : {}).diagnostics,
  },
  {
    kind: 'cib.xml',
    detect: (path, head) => xmlRoot(head) === 'cib' || /(^|\/)cib[^/]*\.xml$/.test(path),
    validate: async (path, text) => (await import('../../config/cib/index.js')).validateCib(text, path),
  },
];

/** The kind claiming this file, or undefined for keepalived.conf. */
export function fileKindOf(path: string, head: string): FileKind | undefined {
  return fileKinds.find((k) => k.detect(path, head));
}

/** A recognised file with no reader in this build: say so instead of parsing it as keepalived.conf. */
export function noReaderDiagnostic(kind: FileKind, path: string): Diagnostic {
  return { code: 'no-reader', severity: 'info', message: `recognised as a ${kind.kind}; this build has no checks for it yet`, file: path, line: 0, column: 0 };
}
