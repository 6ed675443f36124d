/**
 * The user's keepalived.conf, made to run in a lab container.
 *
 * Theory of operation: the text is rewritten line by line, keeping every line
 * the user wrote (removed lines become comments, so keepalived's messages still
 * point at the user's line numbers, give or take the few lines added). A small
 * block tracker follows the braces to know where a line sits.
 *
 * Rules:
 * - Interface names are mapped onto the container's: `interface X`, `dev X`,
 *   `label X:N`, and the names listed in `track_interface { … }`. Names not in the map stay.
 * - Each `vrrp_script NAME`'s `script` becomes the stub `SCRIPT_STUB NAME`,
 *   whose exit status the scenario sets through a file — unless the caller asks
 *   for the real scripts.
 * - Every `notify*` line of an instance or sync group is commented out and each
 *   vrrp_instance gets `notify NOTIFY_HOOK`: the lab observes transitions from
 *   the node itself, with the priority keepalived reports.
 * - Priority changes that change no state reach no notify script: keepalived
 *   reports them only on its notify FIFO, with `notify_priority_changes`. Each
 *   instance gets that keyword, the user's own FIFO settings in global_defs are
 *   commented out, and a second global_defs block at the end (keepalived merges
 *   them) points the VRRP FIFO at the lab's reader, NOTIFY_FIFO_READER.
 * - `@RUN@` (the placeholder recorded cases use for their run directory) becomes
 *   the lab directory.
 */

export const LAB_DIR = '/lab';
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
}

const NOTIFY_KEYWORDS = /^notify(_master|_backup|_fault|_stop|_deleted|_master_rx_lower_pri|_priority_changes)?$/;
/** global_defs keywords that would take the VRRP notify FIFO away from the lab's reader. */
const FIFO_KEYWORDS = /^(vrrp_)?notify_fifo(_script)?$|^vrrp_notify_priority_changes$/;

const LAB_GLOBAL_DEFS = ['', '# lab: priority changes reach the lab through the VRRP notify FIFO', 'global_defs {', `    vrrp_notify_fifo ${NOTIFY_FIFO}`, `    vrrp_notify_fifo_script ${NOTIFY_FIFO_READER}`, '}', ''];

interface Line {
  readonly words: readonly string[];
  /** Braces opened minus closed on this line, outside quotes and comments. */
  readonly opens: number;
  readonly closes: number;
}

function scan(text: string): Line {
  const words: string[] = [];
  let opens = 0;
  let closes = 0;
  for (const m of text.matchAll(/"[^"]*"?|[{}]|[#!].*$|[^\s{}"#!]+/g)) {
    const w = m[0];
    if (w.startsWith('#') || w.startsWith('!')) break;
    if (w === '{') opens++;
    else if (w === '}') closes++;
    else words.push(w);
  }
  return { words, opens, closes };
}

/** Rewrite one keepalived.conf for a lab container. */
export function rewriteKeepalivedConfig(text: string, options: RewriteOptions): string {
  const stack: string[] = [];
  /** The keyword and first argument of the last line that had words, for a `{` alone on its line. */
  let header: readonly string[] = [];
  const mapName = (name: string): string => options.interfaces.get(name) ?? name;
  const out: string[] = [];
  for (const raw of text.replaceAll('@RUN@', LAB_DIR).split('\n')) {
    const line = scan(raw);
    const block = stack[stack.length - 1] ?? '';
    const keyword = line.words[0] ?? '';
    let rewritten = raw;
    if (block.startsWith('vrrp_script ') && keyword === 'script' && !options.realScripts) {
      rewritten = `    script "${SCRIPT_STUB} ${block.slice('vrrp_script '.length)}"  # lab stub for: ${raw.trim()}`;
    } else if ((block.startsWith('vrrp_instance ') || block.startsWith('vrrp_sync_group ')) && NOTIFY_KEYWORDS.test(keyword)) {
      rewritten = `    # lab: replaced by ${NOTIFY_HOOK}: ${raw.trim()}`;
    } else if (block === 'global_defs' && FIFO_KEYWORDS.test(keyword)) {
      rewritten = `    # lab: the notify FIFO is the lab's: ${raw.trim()}`;
    } else if (block.startsWith('vrrp_instance ') && keyword === 'interface' && line.words[1]) {
      rewritten = raw.replace(/\binterface(\s+)\S+/, `interface$1${mapName(line.words[1])}`);
    } else if (block === 'track_interface' && keyword !== '') {
      rewritten = raw.replace(keyword, mapName(keyword));
    }
    rewritten = rewritten.replace(/\bdev(\s+)([\w.-]+)/g, (_m, space: string, name: string) => `dev${space}${mapName(name)}`);
    // The kernel wants an address label to begin with its interface's name.
    rewritten = rewritten.replace(/\blabel(\s+)([\w.-]+)(?=:)/g, (_m, space: string, name: string) => `label${space}${mapName(name)}`);
    out.push(rewritten);
    if (line.words.length > 0) header = line.words;
    for (let i = 0; i < line.opens; i++) {
      const h = header[0] === 'vrrp_instance' || header[0] === 'vrrp_script' || header[0] === 'vrrp_sync_group' ? `${header[0]} ${header[1] ?? ''}` : (header[0] ?? '');
      if (h.startsWith('vrrp_instance ')) out.push(`    notify ${NOTIFY_HOOK}`, '    notify_priority_changes');
      stack.push(h);
      header = [];
    }
    for (let i = 0; i < line.closes; i++) stack.pop();
  }
  return [...out, ...LAB_GLOBAL_DEFS].join('\n');
}
