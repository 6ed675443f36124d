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
import { nodeFileSystem, parseConfig, type FileSystemView } from '../config/index.js';
import type { ConfigParser, ConfigText } from './topology.js';

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

/** The disk, remembering the text of each file read: a backend that runs keepalived itself gets the same files. */
function recordingFileSystem(read: Map<string, string>): FileSystemView {
  const disk = nodeFileSystem();
  return {
    ...disk,
    readFile: (path) => {
      const text = disk.readFile(path);
      if (text !== undefined && !read.has(path)) read.set(path, text);
      return text;
    },
  };
}

export const keepalivedParser: ConfigParser = ({ file, text }, options = {}) => {
  const read = new Map<string, string>();
  const r = parseConfig(text, { file, fs: recordingFileSystem(read), ...(options.configId !== undefined ? { configId: options.configId } : {}) });
  const included: ConfigText[] = r.files.slice(1).flatMap((f) => {
    const t = read.get(f);
    return t === undefined ? [] : [{ file: f, text: t }];
  });
  return { model: r.model, diagnostics: r.diagnostics, refused: r.diagnostics.filter(refuses), included };
};
