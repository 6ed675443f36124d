/**
 * Issue 11, "every run is bounded and says so": the new-user trial's commands
 * (B1–B6 and the like) rerun in-process. Each assertion fails on the old
 * behaviour: runs that went on past `--until`, expectations judged on a frozen
 * state, unbounded rates, outputs whose folder was missing found only after
 * the run.
 */
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '..', '..');
const classic = join(root, 'scenarios', 'classic');
const lvs = join(root, 'scenarios', 'seed-003-lvs-directors');
const work = mkdtempSync(join(tmpdir(), 'vrrp-lab-bounds-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = captureIo({ cwd: work });
  const started = Date.now();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err(), ms: Date.now() - started };
}

const pair = ['--node', `lb1=${join(classic, 'prio150.conf')}`, '--node', `lb2=${join(classic, 'prio100.conf')}`];

function scenarioFile(name: string, lines: string[]): string {
  const path = join(work, name);
  writeFileSync(join(work, 'lb1.conf'), `vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 150\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n`);
  writeFileSync(join(work, 'lb2.conf'), `vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('--until is a hard stop (B1, B2, B3)', () => {
  it('B1: an event long after --until is a located usage error at once, not a ten-minute run', async () => {
    const r = await run('simulate', ...pair, '--event', '1000000000 kill lb1', '--until', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--event #1:1:1: error[event-after-end]: event at 1000000000 s is after the end: the run ends at 1 s (--until)');
    expect(r.err).toMatch(/1 \| 1000000000 kill lb1\n\s+\| \^{10}/);
    expect(r.out).toBe('');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('B1: an event time too large to be one names the longest run', async () => {
    const r = await run('simulate', ...pair, '--event', '9007199255 kill lb1', '--until', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain("time '9007199255' is beyond the longest run, 604800 s (7 days)");
  });

  it('B2: nothing after --until is applied, printed or in the JSON: the event is refused', async () => {
    const r = await run('simulate', ...pair, '--until', '5', '--event', '8 kill lb1', '--event', '9 start lb1', '--seed', '1', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as { error: { diagnostics: { code: string; file: string }[] } };
    expect(doc.error.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(['--event #1 event-after-end', '--event #2 event-after-end']);
  });

  it('an event at the end itself still runs', async () => {
    const r = await run('simulate', ...pair, '--until', '5', '--event', '5 kill lb1', '--seed', '1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('until 5 s');
  });

  it('B3: expectations after the scenario\'s until are errors at their file:line:col', async () => {
    const file = scenarioFile('late.scenario', ['node lb1 lb1.conf', 'node lb2 lb2.conf', 'until 20', '30 kill lb1', 'expect 100 master VI_1 lb1', 'expect always 15..50 master VI_1 lb1', 'expect failover VI_1 after 18 within 4']);
    const r = await run('simulate', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('late.scenario:4:1: error[event-after-end]: event at 30 s is after the end: the run ends at 20 s (until at line 3)');
    expect(r.err).toContain('late.scenario:5:8: error[expect-after-end]: expectation at 100 s is after the end');
    expect(r.err).toContain('late.scenario:6:8: error[expect-after-end]: expectation always 15..50 s is after the end');
    expect(r.err).toContain('late.scenario:7:8: error[expect-after-end]: expectation failover after 18 s within 4 s (until 22 s) is after the end');
    expect(r.out).toBe('');
  });

  it('--until on the command line shortens a scenario file only if nothing is left after it', async () => {
    const file = scenarioFile('short.scenario', ['node lb1 lb1.conf', 'node lb2 lb2.conf', 'until 20', '6 kill lb1', 'expect 10 master VI_1 lb2']);
    const r = await run('simulate', file, '--until', '8');
    expect(r.code).toBe(2);
    expect(r.err).toContain('short.scenario:5:8: error[expect-after-end]: expectation at 10 s is after the end: the run ends at 8 s (--until)');
  });
});

describe('huge runs are refused with the limit named (B4, B5)', () => {
  it.each(['1000000000', '1e9'])('B4: --until %s is refused, naming the limit, with a caret', async (value) => {
    const r = await run('simulate', ...pair, '--until', value);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--until:1:1: error[flag-run-too-long]: the end ${value} s is beyond the longest run, 604800 s (7 days)`);
    expect(r.err).toContain(`1 | ${value}`);
  });

  it('1e1-style times are read as the seconds they write', async () => {
    const r = await run('simulate', ...pair, '--until', '1.2e1', '--seed', '1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('until 12 s');
  });

  it('B4: a scenario file\'s until above the limit is an error at its column', async () => {
    const file = scenarioFile('long.scenario', ['node lb1 lb1.conf', 'until 1e9']);
    const r = await run('simulate', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('long.scenario:2:7: error[scenario-run-too-long]: the end 1e9 s is beyond the longest run, 604800 s (7 days)');
  });

  it('B5: 100 000 clients a second are refused with the limit', async () => {
    const r = await run('simulate', '--node', `lb1=${join(lvs, 'lb1.conf')}`, '--node', `lb2=${join(lvs, 'lb2.conf')}`, '--event', '5 clients 100000 10', '--until', '40');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--event #1:1:11: error[event-rate-too-high]: rate 100000 is above the limit of 1000 new connections a second');
  });

  it('B5: a rate within the limit that would open too many connections over the run is refused too', async () => {
    const r = await run('simulate', '--node', `lb1=${join(lvs, 'lb1.conf')}`, '--node', `lb2=${join(lvs, 'lb2.conf')}`, '--event', '5 clients 1000', '--until', '400');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[too-many-connections]: the clients would open about 395000 connections; a run opens at most 200000');
  });
});

describe('output paths are checked before the run (B6)', () => {
  it('B6: a missing folder for --pcap is an exit-2 error naming the path as given, before simulating', async () => {
    const r = await run('simulate', join(classic, 'partition.scenario'), '--pcap', 'no/such/dir/run.pcap');
    expect(r.code).toBe(2);
    expect(r.err).toContain("vrrp-lab simulate: error: cannot write --pcap no/such/dir/run.pcap: no such folder 'no/such/dir'");
    expect(r.err).not.toContain('internal error');
    expect(r.out).toBe('');
  });

  it('B6: a folder given as --svg is refused', async () => {
    mkdirSync(join(work, 'docs'), { recursive: true });
    const r = await run('simulate', join(classic, 'partition.scenario'), '--svg', 'docs');
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot write --svg docs: it is a folder; give a file name inside it');
  });

  it('a path through a file is refused, not an internal error', async () => {
    writeFileSync(join(work, 'plain'), 'x');
    const r = await run('simulate', ...pair, '--svg', 'plain/x.svg');
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot write --svg plain/x.svg: a part of the path is not a folder');
  });

  it('a writable path is written after the run', async () => {
    const r = await run('simulate', ...pair, '--seed', '1', '--svg', 'ok.svg', '--pcap', 'ok.pcap');
    expect(r.code).toBe(0);
    expect(existsSync(join(work, 'ok.svg')) && existsSync(join(work, 'ok.pcap'))).toBe(true);
  });

  it('cluster scenario --svg is checked the same way', async () => {
    const r = await run('cluster', 'scenario', join(root, 'scenarios', 'cluster', 'seed001-node-lost.scenario'), '--svg', 'no/such/dir/c.svg');
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot write --svg no/such/dir/c.svg: no such folder 'no/such/dir'");
  });
});
