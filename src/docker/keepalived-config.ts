/**
 * The user's keepalived.conf (and every file it includes), made to run in a lab
 * container, with a list of what was replaced and where.
 *
 * Theory of operation: the configuration is parsed by the project's own lexer
 * and parser (config-edits.ts), exactly as keepalived reads it — one-line
 * blocks, `include` globs, `$NAME` definitions, `@id` lines with the node's
 * name as config-id (the container's host name) — and only the words the lab
 * must own are edited in place; every other byte stays as written. Each file
 * goes into the container at its own absolute path, so relative and absolute
 * includes find the same files there. keepalived starts on the lab's entry
 * file, LAB_CONFIG, which holds the lab's global settings and includes the
 * user's configuration.
 *
 * Rules:
 * - Each `vrrp_script NAME`'s `script` command becomes the stub `SCRIPT_STUB NAME`,
 *   whose exit status the scenario sets through a file — unless the caller asks
 *   for the real scripts.
 * - Every `notify*` statement of an instance or sync group is removed, and each
 *   vrrp_instance gets `notify NOTIFY_HOOK`: the lab observes transitions from
 *   the node itself, with the priority keepalived reports. It goes before the
 *   instance's closing brace, on that brace's line when nothing else is there
 *   (so line numbers stay), else on a line of its own.
 * - Priority changes that change no state reach no notify script: keepalived
 *   reports them only on its notify FIFO. The user's FIFO settings are removed;
 *   the entry file's global_defs (keepalived merges them) sets the lab's reader,
 *   NOTIFY_FIFO_READER, and `vrrp_notify_priority_changes`.
 * - Interface names are mapped onto the container's: `interface X`, the names
 *   listed in `track_interface`, and in any address or route list `dev X` and
 *   `label X:N`. Names not in the map stay.
 * - `@RUN@` (the placeholder recorded cases use for their run directory) becomes
 *   the lab directory.
 */
import { resolve } from 'node:path';
import type { ConfigRewrite } from '../core/backend.js';
import type { ConfigFileText, KeepalivedSource } from '../spec/node-spec.js';
import type { BlockNode, Statement } from '../config/parser.js';
import type { Loc, Token } from '../config/source.js';
import { ConfigEdits, parseForEdit, quoteWord } from './config-edits.js';

export const LAB_DIR = '/lab';
/** The file keepalived is started on in a lab container. */
export const LAB_CONFIG = '/lab/keepalived.conf';
export const NOTIFY_HOOK = '/lab/bin/notify.sh';
export const SCRIPT_STUB = '/lab/bin/script-stub';
export const NOTIFY_FIFO = '/lab/notify.fifo';
export const NOTIFY_FIFO_READER = '/lab/bin/notify-fifo.sh';
/** Where the stub reads a script's exit status: one file per vrrp_script, "0" or "1". */
export const scriptStatusFile = (script: string): string => `${LAB_DIR}/scripts/${script}`;


export interface RewriteOptions {
  /** Interface name in the config → interface name in the container. */
  readonly interfaces: ReadonlyMap<string, string>;
  /** Keep the vrrp_script commands as written. */
  readonly realScripts?: boolean;
  /** keepalived's config-id in the container (its host name: the node's name), for `@id` lines. */
  readonly configId?: string;
  /** Applied to every file's text before the rewrite (the lab's moved node addresses). */
  readonly transform?: (text: string) => string;
}

export type ReplacementKind = ConfigRewrite['kind'];

/** One thing the rewrite replaced, at the user's file:line:column (the report names the node). */
export type Replacement = Omit<ConfigRewrite, 'node'>;

export interface ContainerConfig {
  /** The text of LAB_CONFIG. */
  readonly entry: string;
  /** Every file keepalived reads, rewritten, at its path in the container. */
  readonly files: readonly ConfigFileText[];
  readonly replaced: readonly Replacement[];
}

const NOTIFY_KEYWORDS = /^notify(_master|_backup|_fault|_stop|_deleted|_master_rx_lower_pri|_priority_changes)?$/;
/** global_defs keywords that would take the VRRP notify FIFO away from the lab's reader. */
const FIFO_KEYWORDS = /^(vrrp_)?notify_fifo(_script)?$|^vrrp_notify_priority_changes$/;
/** Lists whose items may name an interface after `dev` or as a `label`'s prefix. */
const ADDRESS_LISTS = new Set(['virtual_ipaddress', 'virtual_ipaddress_excluded', 'virtual_routes', 'virtual_rules', 'static_ipaddress', 'static_routes', 'static_rules']);

const words = (tokens: readonly Token[]): string => tokens.map((t) => quoteWord(t.text, t.quoted)).join(' ');

class LabRewrite {
  readonly replaced: Replacement[] = [];

  constructor(
    private readonly edits: ConfigEdits,
    private readonly options: RewriteOptions,
  ) {}

  private note(loc: Loc, kind: ReplacementKind, from: string, to: string): void {
    this.replaced.push({ file: loc.file, line: loc.line, column: loc.column, kind, from, to });
  }

  root(block: BlockNode): void {
    for (const st of block.statements) {
      if (!st.known || st.skipped || !st.block) continue;
      const kind = st.keyword.text;
      if (kind === 'vrrp_script' && !this.options.realScripts) this.script(st);
      if (kind === 'vrrp_instance') this.instance(st.block, st);
      if (kind === 'vrrp_sync_group') this.notifies(st.block);
      if (kind === 'global_defs') this.fifo(st.block);
      this.interfaces(st.block);
    }
    for (const st of block.statements) if (ADDRESS_LISTS.has(st.keyword.text)) this.addressList(st);
  }

  private script(st: Statement): void {
    const name = st.args[0]?.text ?? '';
    for (const s of st.block?.statements ?? []) {
      const [first, ...rest] = s.args;
      if (s.keyword.text !== 'script' || first === undefined) continue;
      const to = `${SCRIPT_STUB} ${name}`;
      this.edits.replace(first, quoteWord(to, true));
      for (const t of rest) this.edits.remove(t);
      this.note(first.loc, 'script', words(s.args), to);
    }
  }

  private instance(block: BlockNode, st: Statement): void {
    const removed = this.notifies(block);
    if (!removed) this.note(st.keyword.loc, 'notify', '', NOTIFY_HOOK);
    this.insertHook(block);
  }

  /** Removes the notify statements of an instance or group; true if there were any. */
  private notifies(block: BlockNode): boolean {
    let any = false;
    for (const s of block.statements) {
      if (!s.known || !NOTIFY_KEYWORDS.test(s.keyword.text)) continue;
      for (const t of [s.keyword, ...s.args]) this.edits.remove(t);
      this.note(s.keyword.loc, 'notify', words([s.keyword, ...s.args]), s.keyword.text === 'notify_priority_changes' ? '' : NOTIFY_HOOK);
      any = true;
    }
    return any;
  }

  /** `notify NOTIFY_HOOK` before the instance's `}` (see the module header). */
  private insertHook(block: BlockNode): void {
    const hook = `notify ${NOTIFY_HOOK}`;
    const end = block.end;
    const brace = end && block.closed ? this.edits.tokensOn(end.file, end.line).find((t) => t.loc.column === end.column && t.text === '}') : undefined;
    if (!end || !brace) {
      const last = block.statements[block.statements.length - 1]?.loc ?? end;
      if (last) this.edits.append(last.file, `\n${hook}\n`);
      return;
    }
    const before = this.edits.tokensOn(end.file, end.line).filter((t) => t.loc.column < end.column);
    const previous = before[before.length - 1];
    const ownLine = previous === undefined ? /^[ \t]*$/.test(this.edits.textBefore(end)) : !previous.quoted && (previous.text === '{' || previous.text === '}');
    this.edits.insertBefore(end, ownLine ? `${hook} ` : `\n${hook}\n`);
  }

  private fifo(block: BlockNode): void {
    for (const s of block.statements) {
      if (!s.known || !FIFO_KEYWORDS.test(s.keyword.text)) continue;
      for (const t of [s.keyword, ...s.args]) this.edits.remove(t);
      this.note(s.keyword.loc, 'notify-fifo', words([s.keyword, ...s.args]), '');
    }
  }

  /** `interface`, `track_interface` and address lists, at any depth. */
  private interfaces(block: BlockNode): void {
    for (const s of block.statements) {
      if (s.keyword.text === 'interface' && block.kind === 'vrrp_instance' && s.args[0]) this.mapName(s.args[0], s.args[0].text);
      if (s.keyword.text === 'track_interface') for (const item of s.values?.items ?? []) if (item.tokens[0]) this.mapName(item.tokens[0], item.tokens[0].text);
      if (ADDRESS_LISTS.has(s.keyword.text)) this.addressList(s);
      if (s.block) this.interfaces(s.block);
    }
  }

  private addressList(s: Statement): void {
    for (const item of s.values?.items ?? []) {
      item.tokens.forEach((t, i) => {
        const key = item.tokens[i - 1]?.text;
        if (key === 'dev') this.mapName(t, t.text);
        const colon = t.text.indexOf(':');
        if (key === 'label' && colon > 0) this.mapName(t, t.text.slice(0, colon), t.text.slice(colon));
      });
    }
  }

  private mapName(token: Token, name: string, suffix = ''): void {
    const to = this.options.interfaces.get(name);
    if (to === undefined || to === name) return;
    this.edits.replace(token, quoteWord(`${to}${suffix}`, token.quoted));
    this.note(token.loc, 'interface', token.text, `${to}${suffix}`);
  }
}

/** Rewrite a node's configuration for a lab container. */
export function rewriteKeepalivedConfig(source: KeepalivedSource, options: RewriteOptions): ContainerConfig {
  const prepare = (text: string): string => (options.transform ?? ((t: string) => t))(text.replaceAll('@RUN@', LAB_DIR));
  const rootFile = resolve(source.file);
  const texts = new Map<string, string>([[rootFile, prepare(source.text)]]);
  for (const f of source.included) texts.set(resolve(f.file), prepare(f.text));
  const parsed = parseForEdit(rootFile, texts, options.configId);
  const edits = new ConfigEdits(parsed);
  const lab = new LabRewrite(edits, options);
  lab.root(parsed.root);
  const out = edits.apply();
  const entry = [
    '# vrrp-lab: the lab\'s settings, then the node\'s configuration (its replacements: `vrrp-lab run --json`, "rewrites")',
    'global_defs {',
    `    vrrp_notify_fifo ${NOTIFY_FIFO}`,
    `    vrrp_notify_fifo_script ${NOTIFY_FIFO_READER}`,
    '    vrrp_notify_priority_changes',
    '}',
    `include ${rootFile}`,
    '',
  ].join('\n');
  const replaced = [...lab.replaced].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file === rootFile ? -1 : b.file === rootFile ? 1 : a.file < b.file ? -1 : 1));
  return { entry, files: [...out].map(([file, text]) => ({ file, text })), replaced };
}
