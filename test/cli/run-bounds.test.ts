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
    expect(r.err).toContain('error[too-many-connections]: the clients would open about 395000 connections; a run opens at most 50000');
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

describe('configuration files are bounded and must have something to run (B7, B8)', () => {
  const big = (): string => {
    const path = join(work, 'big.conf');
    const block = 'vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n';
    writeFileSync(path, block.repeat(Math.ceil((3 * 1024 * 1024) / block.length)));
    return path;
  };

  it('B7: simulate refuses a file above the limit at once, with its size, and nothing else', async () => {
    const r = await run('simulate', '--node', `a=${big()}`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--node #1:1:1: error\[input-too-large\]: node a: the configuration is 3(\.\d)? MB; configuration files above 2 MB are not read/);
    expect(r.err).not.toContain('vrid-missing');
    expect(r.err).toContain('1 error;');
  });

  it('B7: validate says the size first and only, and exits 2 (unreadable input)', async () => {
    const r = await run('validate', '--no-table', big());
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/big\.conf: error\[input-too-large\]: configuration file '.*big\.conf' is 3(\.\d)? MB; configuration files above 2 MB are not read/);
    expect(r.out.match(/error\[/g)).toHaveLength(1);
  });

  it.each([
    ['empty.conf', ''],
    ['global.conf', 'global_defs {\n  router_id X\n}\n'],
  ])('B8: a node whose %s has no vrrp_instance is an error naming the node and the file', async (name, text) => {
    writeFileSync(join(work, name), text);
    const r = await run('simulate', '--node', `a=${join(work, name)}`, '--node', `b=${join(classic, 'prio100.conf')}`);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--node #1:1:1: error[node-nothing-to-run]: node a: no vrrp_instance (and no virtual_server) in ${name}; nothing to simulate`);
    expect(r.out).toBe('');
  });
});

describe('addresses are checked before the run (B9)', () => {
  it('B9: two nodes with one address are an error', async () => {
    const r = await run('simulate', '--node', `a=${join(classic, 'prio150.conf')}@192.0.2.5`, '--node', `b=${join(classic, 'prio100.conf')}@192.0.2.5`, '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--node #2:1:1: error[node-address-duplicate]: node b has address 192.0.2.5 on eth0, as node a has: two hosts with one address');
  });

  it('B9: a node whose own address is the VIP is an error unless it owns it (priority 255)', async () => {
    const r = await run('simulate', '--node', `a=${join(classic, 'prio150.conf')}@192.0.2.100`, '--node', `b=${join(classic, 'prio100.conf')}`, '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain("error[node-address-is-vip]: node a's own address 192.0.2.100 is a virtual address (of node a's instances) and a is not its owner (priority 255)");
    const owner = join(work, 'owner.conf');
    writeFileSync(owner, 'vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 51\n  priority 255\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n');
    const ok = await run('simulate', '--node', `a=${owner}@192.0.2.100`, '--node', `b=${join(classic, 'prio100.conf')}`, '--seed', '1');
    expect(ok.err).not.toContain('node-address-is-vip');
    expect(ok.code).toBe(0);
  });
});

describe('an assertion naming something that does not exist is an error, not a pass (W7)', () => {
  it('unknown VIP, VRID and instance are parse-time errors at their file:line', async () => {
    const file = scenarioFile('typo.scenario', [
      'node lb1 lb1.conf', 'node lb2 lb2.conf', 'until 20', '6 kill lb1',
      'expect 5 holder 10.9.9.9 none', 'expect 5 master vrid:99 none', 'expect 20 master VI_9 lb2',
      'expect 10 state lb2 VI_2 MASTER', 'expect failover VI_X after 6 within 4',
      'expect 5 holder 192.0.2.100 lb1', 'expect 5 master vrid:51 lb1',
    ]);
    const r = await run('simulate', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('typo.scenario:5:8: error[expect-unknown-vip]: no instance has the virtual address 10.9.9.9');
    expect(r.err).toContain('typo.scenario:6:8: error[expect-unknown-vrid]: no instance has virtual_router_id 99');
    expect(r.err).toContain('typo.scenario:7:8: error[expect-unknown-instance]: no vrrp_instance VI_9');
    expect(r.err).toContain('typo.scenario:8:8: error[expect-unknown-instance]: node lb2 has no vrrp_instance VI_2');
    expect(r.err).toContain('typo.scenario:9:8: error[expect-unknown-instance]: no vrrp_instance VI_X');
    expect(r.err).toContain('5 errors; nothing was simulated');
  });
});

describe('bad files answer in a few lines (F10, P5)', () => {
  it('F10: validate folds a line of repeated braces with a count and shows the verdict first', async () => {
    const deep = join(work, 'deep.conf');
    writeFileSync(deep, `vrrp_instance VI_1 {\n${'{'.repeat(12_000)}\n${'}'.repeat(12_000)}\n`);
    const r = await run('validate', '--no-table', deep);
    expect(r.code).toBe(1);
    expect(r.out.indexOf('error[too-many-diagnostics]: more than 10000 problems: is this really a keepalived configuration file?')).toBe(r.out.indexOf('error['));
    expect(r.out).toContain("deep.conf:2:1: error[unexpected-open-brace]: 12000 × unexpected '{'");
    expect(r.out.split('\n').length).toBeLessThan(60);
  });

  it('P5: validate calls random bytes a binary file in one finding', async () => {
    const bin = join(work, 'garbage.bin');
    let seed = 3;
    writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256)));
    const r = await run('validate', '--no-table', bin);
    expect(r.out).toContain('error[binary-file]: this looks like a binary file, not a keepalived configuration');
    expect(r.out.match(/error\[/g)).toHaveLength(1);
  });
});

describe('a long run shows progress on stderr (B4)', () => {
  const day = ['simulate', join(classic, 'three-nodes.scenario'), '--until', '86400', '--seed', '3', '--json'];

  it('a 24 h run with --progress reports each tenth on stderr and leaves --json whole, and the run is the same as without', async () => {
    const withProgress = await run(...day, '--progress');
    const without = await run(...day);
    expect(withProgress.code).toBe(0);
    const lines = withProgress.err.split('\n').filter((l) => l.includes('s simulated'));
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(lines.at(-1)).toMatch(/^vrrp-lab simulate: 86400 of 86400 s simulated \(100%\), \d+\.\d s so far$/);
    expect(lines[0]).toMatch(/about \d+\.\d s left$/);
    expect(JSON.parse(withProgress.out)).toEqual(JSON.parse(without.out));
    expect(without.err).not.toContain('simulated');
  });

  it('--junit is an output checked before the run too', async () => {
    const r = await run('simulate', ...pair, '--junit', 'no/such/dir/j.xml');
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot write --junit no/such/dir/j.xml: no such folder 'no/such/dir'");
  });
});

describe('one error style, paths as given (P3, P4, P6, P9)', () => {
  it('P3: a missing scenario file is named as given, in words', async () => {
    const r = await run('simulate', 'nonexist.scenario');
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot read scenario file 'nonexist.scenario': no such file or directory");
    expect(r.err).not.toContain(work);
  });

  it('P4: the seed\'s maximum is stated', async () => {
    const r = await run('simulate', ...pair, '--seed', '99999999999999999999');
    expect(r.code).toBe(2);
    expect(r.err).toContain('the seed is an integer from 0 to 9007199254740991');
  });

  it.each([
    [['simulate', '--seed', 'x'], 'vrrp-lab simulate: error: option'],
    [['simulate', '--bogus'], "vrrp-lab simulate: error: unknown option '--bogus'"],
    [['ipvs', 'pick', '-s', 'nosuch', '--server', 'a:1', '--client', '192.0.2.9'], "vrrp-lab ipvs: error: unknown scheduler 'nosuch'"],
    [['bogus'], "vrrp-lab: error: unknown command 'bogus'"],
  ])('P9: %j errs as vrrp-lab COMMAND: error: …', async (argv, expected) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(expected)).toBe(true);
  });

  it('P6: oneway from a node to itself is an error; resuming a node that is not paused is a warning at the event', async () => {
    const self = await run('simulate', ...pair, '--event', '8 oneway lb1 lb1');
    expect(self.code).toBe(2);
    expect(self.err).toContain("--event #1:1:14: error[event-oneway-self]: 'oneway lb1 lb1' cuts a node off from itself: it changes nothing");
    const resume = await run('simulate', ...pair, '--event', '5 pause lb2', '--event', '6 resume lb2', '--event', '7 resume lb2', '--event', '8 kill lb1', '--event', '9 stop lb1', '--seed', '1');
    expect(resume.code).toBe(0);
    expect(resume.err).toContain("--event #3:1:1: warning[event-no-effect]: 'resume lb2' at 7 s changes nothing: lb2 is running");
    expect(resume.err).toContain("--event #5:1:1: warning[event-no-effect]: 'stop lb1' at 9 s changes nothing: lb1 is not running");
    expect(resume.err).not.toContain('#2:1:1: warning');
  });
});

describe('cluster simulate keeps the same bounds', () => {
  const conf = join(root, 'scenarios', 'cluster', 'pcmk2-corosync.conf');
  it('an event after --until is a located usage error, not silently dropped', async () => {
    const r = await run('cluster', 'simulate', '--config', conf, '--event', '100 kill node1', '--until', '10');
    expect(r.code).toBe(2);
    expect(r.err).toContain('vrrp-lab cluster simulate: error: --event #1:1: event at 100 s is after the end (10 s)');
  });

  it.each(['1e9', '1000000000'])('--until %s is refused naming the limit', async (value) => {
    const r = await run('cluster', 'simulate', '--config', conf, '--until', value);
    expect(r.code).toBe(2);
    expect(r.err).toContain('0…604800');
  });
});
