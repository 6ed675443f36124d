/**
 * The documents say what the tool does (new-user trial W9, F5): the severity
 * docs/validate.md gives each check is the severity `validate` reports, and
 * `simulate --help`'s pcap example says what the pcap holds.
 *
 * Theory of operation: validate --json runs on every configuration the
 * project ships as a fixture or an example (each file alone, then each folder
 * as one cluster, for the cross-node checks); every finding whose code the
 * table in docs/validate.md lists must have a severity that its row names. The
 * pcap example's words are checked against the frames a run really writes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['test/cli/fixtures', 'test/fixtures/seeds', 'docs/examples'];

/** code → the severities its row in docs/validate.md names. */
function documentedSeverities(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of readFileSync(join(ROOT, 'docs/validate.md'), 'utf8').split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 3) continue;
    const severities = new Set((cells[1] as string).match(/\b(error|warning|info)\b/g) ?? []);
    for (const m of (cells[0] as string).matchAll(/`([a-z0-9-]+)`/g)) out.set(m[1] as string, severities);
  }
  return out;
}

function configFolders(): Array<{ dir: string; files: string[] }> {
  const out: Array<{ dir: string; files: string[] }> = [];
  const walk = (dir: string): void => {
    const names = readdirSync(join(ROOT, dir)).sort();
    const files = names.filter((n) => n.endsWith('.conf')).map((n) => `${dir}/${n}`);
    if (files.length > 0) out.push({ dir, files });
    for (const n of names) if (statSync(join(ROOT, dir, n)).isDirectory()) walk(`${dir}/${n}`);
  };
  for (const f of FOLDERS) walk(f);
  return out;
}

interface Finding { code: string; severity: string; file?: string; line?: number }

async function findings(argv: string[]): Promise<Finding[]> {
  const io = captureIo({ cwd: ROOT });
  await main(['validate', '--json', '--no-table', ...argv], io);
  const report = JSON.parse(io.out()) as { files: Array<{ file: string; diagnostics: Finding[] }>; cluster: { diagnostics: Finding[] } };
  return [...report.files.flatMap((f) => f.diagnostics.map((d) => ({ file: f.file, ...d }))), ...report.cluster.diagnostics];
}

describe('docs/validate.md gives each check the severity validate reports', () => {
  it('on every configuration the project ships, alone and as clusters', async () => {
    const documented = documentedSeverities();
    expect(documented.get('lvs-quorum-unreachable')).toBeDefined();
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const { files } of configFolders()) {
      for (const f of [...(await findings(['--separate', ...files])), ...(files.length > 1 ? await findings(files) : [])]) {
        const named = documented.get(f.code);
        if (named === undefined) continue;
        seen.add(f.code);
        if (!named.has(f.severity)) wrong.push(`${f.code}: docs say ${[...named].join(' / ')}, validate says ${f.severity} (${f.file ?? '?'}:${f.line ?? '?'})`);
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
    // The fixtures reach the LVS and cross-node rows the trial read (W9), so the check is not empty.
    expect([...seen]).toEqual(expect.arrayContaining(['lvs-quorum-unreachable', 'lvs-check-slower-than-loop', 'cluster-advert-int-mismatch']));
  }, 60_000);
});

describe('simulate --help says what the pcap holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-pcap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** 'VRRP' (IPv4 protocol 112), 'ARP', or what else each frame of a classic pcap is. */
  function frameKinds(bytes: Buffer): Set<string> {
    const kinds = new Set<string>();
    for (let at = 24; at + 16 <= bytes.length;) {
      const length = bytes.readUInt32LE(at + 8);
      const frame = bytes.subarray(at + 16, at + 16 + length);
      const type = frame.readUInt16BE(12);
      kinds.add(type === 0x0806 ? 'ARP' : type === 0x0800 && frame[23] === 112 ? 'VRRP' : `0x${type.toString(16)}/${frame[23] ?? '?'}`);
      at += 16 + length;
    }
    return kinds;
  }

  it('its example names VRRP and ARP, and an LVS run with clients writes those and nothing else', async () => {
    const help = captureIo({ cwd: ROOT });
    await main(['simulate', '--help'], help);
    const example = help.out().split('\n').find((l, i, all) => /--pcap run\.pcap/.test(all[i - 1] ?? '') && l.trim() !== '');
    expect(example).toMatch(/VRRP adverts and gratuitous ARPs/);
    const pcap = join(dir, 'lvs.pcap');
    const io = captureIo({ cwd: ROOT });
    const code = await main(['simulate', '--node', 'lb1=scenarios/seed-003-lvs-directors/lb1.conf', '--node', 'lb2=scenarios/seed-003-lvs-directors/lb2.conf',
      '--event', '5 clients 4 10 hold 2', '--event', '8 rsdown rs1', '--until', '20', '--seed', '1', '--pcap', pcap], io);
    expect(code, io.err()).toBe(0);
    expect([...frameKinds(readFileSync(pcap))].sort()).toEqual(['ARP', 'VRRP']);
  }, 60_000);
});
