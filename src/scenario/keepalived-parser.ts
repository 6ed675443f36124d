/**
 * The ConfigParser the scenario runner uses: src/config's parser, reading
 * includes from disk, with the verdict "would keepalived run this at all?".
 *
 * keepalived reports many errors and still runs (an unknown `state` becomes
 * BACKUP, a long auth_pass is cut to 8 bytes); the simulation follows those
 * corrections. It refuses only what stops keepalived: a keyword missing its
 * parameter (exit 2), an unmatched quote (2.2.7 crashes), an unreadable or
 * executable file (no configuration), a loopback or unknown interface, an
 * instance keepalived drops as fatal. Those are REFUSING, plus any diagnostic
 * the validator marks `data.fatal`.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { nodeFileSystem, parseConfig } from '../config/index.js';
import type { ConfigParser } from './topology.js';

export const REFUSING: ReadonlySet<string> = new Set([
  // the parser: keepalived stops reading
  'missing-parameter',
  'unmatched-quote',
  'file-unreadable',
  'config-executable',
  'interface-loopback',
  'include-cycle',
  'include-too-deep',
  // keepalived's post-parse checks that end the VRRP process ("refuses the configuration")
  'vrid-missing',
  'vrid-duplicate',
  'instance-no-interface',
  'unicast-no-source',
  'strict-mode-unicast',
  'no-vip',
]);

export const refuses = (d: Diagnostic): boolean => d.severity === 'error' && (REFUSING.has(d.code) || d.data?.['fatal'] === true);

export const keepalivedParser: ConfigParser = ({ file, text }) => {
  const r = parseConfig(text, { file, fs: nodeFileSystem() });
  return { model: r.model, diagnostics: r.diagnostics, refused: r.diagnostics.filter(refuses) };
};
