/**
 * A recorded corosync case (`case.txt`, the format of test/fixtures/corosync-cases/) read as a simulation: the corosync.conf the recorder generates
 * from it and its timed events, so a recorded run of real corosync and our
 * simulation of the same case can be compared line for line.
 *
 *   nodes N · votes ID=V… · quorum KEY VALUE… · totem KEY VALUE · device VOTES ALG TIE · boot ID…
 *   T VERB ARGS…   (kill, stop, start, pause, resume, partition, heal, linkdown, linkup,
 *                   qnetd-down, expected, snap, end)
 *
 * Node N is nodeid N, named nodeN, at 198.51.100.(10+N), as the recorder makes them.
 */
import { ScenarioError } from '../../core/errors.js';

export interface RecorderCase {
  /** corosync.conf text, as the recorder writes it for this case. */
  readonly corosyncConf: string;
  /** The timed event lines, with their line numbers in case.txt. */
  readonly events: readonly { readonly text: string; readonly line: number }[];
  readonly boot?: readonly string[];
  /** The time of `T end`, when there is one. */
  readonly endSeconds?: number;
}

export const MAX_CASE_NODES = 64;

interface Collected {
  nodes: number;
  votes: Map<number, number>;
  quorum: string[];
  totem: string[];
  device?: string[];
  boot?: string[];
  events: Array<{ text: string; line: number }>;
  end?: number;
}

function collect(text: string, file: string): Collected {
  const c: Collected = { nodes: 0, votes: new Map(), quorum: [], totem: [], events: [] };
  const bad = (line: number, msg: string): never => {
    throw new ScenarioError('bad-case', msg, { file, line, column: 1 });
  };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const w = raw.replace(/(^|\s)#.*$/, '').trim().split(/\s+/).filter((x) => x !== '');
    if (w.length === 0) return;
    const [head, ...rest] = w as [string, ...string[]];
    if (head === 'nodes') {
      const n = Number(rest[0]);
      if (!Number.isInteger(n) || n < 1 || n > MAX_CASE_NODES) bad(line, `'nodes' needs a count 1..${MAX_CASE_NODES}`);
      c.nodes = n;
    } else if (head === 'votes') {
      for (const kv of rest) {
        const m = /^(\d+)=(\d+)$/.exec(kv);
        if (!m) bad(line, `'${kv}': write votes as ID=V`);
        c.votes.set(Number(m![1]), Number(m![2]));
      }
    } else if (head === 'quorum' || head === 'totem') {
      if (rest.length < 2) bad(line, `'${head}' needs a key and a value`);
      c[head].push(`  ${rest[0]}: ${rest.slice(1).join(' ')}`);
    } else if (head === 'device') c.device = rest;
    else if (head === 'boot') c.boot = rest;
    else if (/^\d+(\.\d+)?$/.test(head)) {
      if (rest[0] === 'end') c.end = Number(head);
      c.events.push({ text: w.join(' '), line });
    } else bad(line, `'${head}' is not a case line (nodes, votes, quorum, totem, device, boot, or 'T VERB…')`);
  });
  if (c.nodes === 0) bad(1, "the case has no 'nodes N' line");
  return c;
}

function deviceSection(d: readonly string[]): string[] {
  const [votes = '1', algorithm = 'ffsplit', tie = 'lowest'] = d;
  return ['  device {', '    model: net', `    votes: ${votes}`, '    net {', '      host: 198.51.100.10', '      tls: off',
    `      algorithm: ${algorithm}`, `      tie_breaker: ${tie}`, '    }', '  }'];
}

export function readRecorderCase(text: string, file: string): RecorderCase {
  const c = collect(text, file);
  const lines = ['totem {', '  version: 2', '  cluster_name: lab', '  transport: knet', '  crypto_cipher: none', '  crypto_hash: none', ...c.totem, '}',
    'quorum {', '  provider: corosync_votequorum', ...c.quorum, ...(c.device ? deviceSection(c.device) : []), '}', 'nodelist {'];
  for (let i = 1; i <= c.nodes; i++) {
    lines.push('  node {', `    nodeid: ${i}`, `    name: node${i}`, `    ring0_addr: 198.51.100.${10 + i}`);
    if (c.votes.has(i)) lines.push(`    quorum_votes: ${c.votes.get(i)}`);
    lines.push('  }');
  }
  lines.push('}', '');
  return {
    corosyncConf: lines.join('\n'), events: c.events,
    ...(c.boot ? { boot: c.boot.map((b) => `node${b}`) } : {}),
    ...(c.end !== undefined ? { endSeconds: c.end } : {}),
  };
}
