/**
 * Real `keepalived -t` for differential tests: run in a private network
 * namespace (`unshare -n`) holding stand-in interfaces, so "interface does not
 * exist" depends on the list given, not on the machine. Needs root and
 * keepalived; `keepalivedTestUnavailable()` says why a test must skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export const KEEPALIVED = ['/usr/sbin/keepalived', '/usr/local/sbin/keepalived', '/sbin/keepalived'].find((p) => existsSync(p));

/** The interfaces the namespace gets (the ones the new-user trial used); validate is told the same list. */
export const STAND_IN_INTERFACES = ['eth0', 'eth1', 'eth2', 'bond1', 'ens3'] as const;

const NETNS_SCRIPT = [
  'for i in $STAND_INS; do ip link add "$i" type veth peer name "p-$i" && ip link set "$i" up || exit 97; done',
  'ip link set lo up',
  'exec "$KEEPALIVED" -t -l -f "$0"',
].join('; ');

export interface KeepalivedVerdict {
  readonly exit: number;
  /** keepalived's messages, in the order printed. */
  readonly output: string;
}

let unavailable: string | undefined | null = null;

/** Why real keepalived -t cannot run here, or undefined when it can. */
export function keepalivedTestUnavailable(): string | undefined {
  if (unavailable !== null) return unavailable;
  if (!KEEPALIVED) return (unavailable = 'keepalived is not installed');
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link add x0 type veth peer name x1'], { encoding: 'utf8' });
  unavailable = probe.status === 0 ? undefined : `cannot make a network namespace with stand-in interfaces (unshare -n: ${(probe.stderr || probe.error?.message || '').trim()})`;
  return unavailable;
}

/**
 * `keepalived -t -l -f NAME` in a fresh namespace, run in the file's directory so
 * its messages name the file as NAME; the exit status as a shell sees it (139 for
 * a segfault).
 */
export function keepalivedTest(file: string): KeepalivedVerdict {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', NETNS_SCRIPT, basename(file)], {
    cwd: dirname(file),
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', KEEPALIVED: KEEPALIVED ?? 'keepalived', STAND_INS: STAND_IN_INTERFACES.join(' ') },
  });
  const exit = r.status ?? (r.signal === 'SIGSEGV' ? 139 : 128);
  if (exit === 97) throw new Error('could not create the stand-in interfaces');
  return { exit, output: `${r.stdout}${r.stderr}` };
}

/** A recorded verdict: `exit=N` then keepalived's output (the corpus's format). */
export function formatVerdict(v: KeepalivedVerdict): string {
  return `exit=${v.exit}\n${v.output}`;
}

export function parseVerdictFile(text: string): KeepalivedVerdict {
  const nl = text.indexOf('\n');
  const exit = Number(/^exit=(\d+)$/.exec(text.slice(0, nl < 0 ? undefined : nl))?.[1]);
  if (!Number.isInteger(exit)) throw new Error(`a verdict starts with exit=N, not: ${text.slice(0, 40)}`);
  return { exit, output: nl < 0 ? '' : text.slice(nl + 1) };
}

/**
 * The lines keepalived names, once each: `(Line N)` from the parent process,
 * which reads the file; `(FILE: Line N)` (`copy`) from its VRRP and checker
 * processes, which read the parent's copy of it — one line per piece of a split
 * long line, so their numbers run one higher per split before them.
 */
export function flaggedLines(output: string): Array<{ line: number; copy: boolean; message: string }> {
  const seen = new Map<string, { line: number; copy: boolean; message: string }>();
  for (const l of output.split('\n')) {
    const m = /^\((.*: )?Line (\d+)\) (.*)$/.exec(l);
    if (!m) continue;
    const hit = { line: Number(m[2]), copy: m[1] !== undefined, message: m[3] ?? '' };
    const key = `${hit.copy}:${hit.line}`;
    if (!seen.has(key)) seen.set(key, hit);
  }
  return [...seen.values()];
}

/** keepalived reads a line in fgets pieces of at most 1023 bytes: how many pieces each physical line makes. */
export function piecesPerLine(bytes: Buffer): number[] {
  const lines = bytes.toString('latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => Math.floor(l.length / 1023) + 1);
}

/**
 * The physical lines a keepalived line number can stand for: the parent names the
 * pieces before the last of a long line with the previous line's number; the
 * copy numbers every piece.
 */
export function physicalLines(hit: { line: number; copy: boolean }, pieces: readonly number[]): number[] {
  if (!hit.copy) return (pieces[hit.line] ?? 1) > 1 ? [hit.line, hit.line + 1] : [hit.line];
  let copyLine = 0;
  for (const [i, k] of pieces.entries()) {
    copyLine += k;
    if (copyLine >= hit.line) return [i + 1];
  }
  return [hit.line];
}
