/**
 * `vrrp-lab simulate` explains what keepalived decides without showing it:
 * the new-user trial's commands (W2, W3, F1, P11) rerun through the CLI.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** The output's lines with runs of spaces folded, those containing `what`. */
const rowsOf = (out: string, what: string): string[] => out.split('\n').map((l) => l.trim().replace(/ +/g, ' ')).filter((l) => l.includes(what));

describe('simulate explains dropped adverts (trial W3)', { timeout: 30_000 }, () => {
  const argv = ['simulate', '--node', 'lb1=test/cli/fixtures/conflict/lb1.conf', '--node', 'lb2=test/cli/fixtures/conflict/lb2.conf', '--until', '12', '--seed', '1'];

  it('shows the first drop with its reason, a count for the rest, and the split brain caused by them', async () => {
    const r = await run(...argv);
    expect(rowsOf(r.out, 'drops')).toEqual(["3.609475 lb2 VI_1 drops lb1's advert advert_int 1 ≠ 2"]);
    expect(rowsOf(r.out, 'more of')).toEqual(["11.609475 lb2 VI_1 … 8 more of lb1's adverts dropped advert_int 1 ≠ 2"]);
    expect(rowsOf(r.out, 'lb2 VI_1 BACKUP → MASTER')).toEqual([
      '6.609375 lb2 VI_1 BACKUP → MASTER 100 master down timer expired; no valid advert for 6.609375 s; 3 adverts from 192.0.2.11 dropped: advert_int 1 ≠ 2',
    ]);
  });

  it('gives the same runs in JSON', async () => {
    const r = await run(...argv, '--json');
    const body = JSON.parse(r.out) as { drops: unknown[]; syncWaits: unknown[] };
    expect(body.drops).toEqual([
      { t: 3.609475, lastT: 11.609475, node: 'lb2', instance: 'VI_1', from: 'lb1', fromAddress: '192.0.2.11', code: 'adver-int-mismatch', reason: 'advert_int 1 ≠ 2', count: 9 },
    ]);
    expect(body.syncWaits).toEqual([]);
  });
});

describe('simulate shows the cross-node findings of validate (trial W3)', { timeout: 30_000 }, () => {
  const argv = ['simulate', '--node', 'lb1=test/cli/fixtures/conflict/lb1.conf', '--node', 'lb2=test/cli/fixtures/conflict/lb2.conf', '--until', '12', '--seed', '1'];

  it('prints them before the timeline, graded as validate grades them, with the paths as given', async () => {
    const r = await run(...argv);
    expect(r.err).toContain("6 findings (3 errors) across the nodes' files");
    for (const code of ['cluster-advert-int-mismatch', 'cluster-unicast-peer-missing', 'cluster-vip-mismatch']) {
      expect(r.err).toMatch(new RegExp(`^test/cli/fixtures/conflict/lb2\\.conf:\\d+:\\d+: error\\[${code}\\]`, 'm'));
    }
    expect(r.err).toContain('but 1 s on lb1 (test/cli/fixtures/conflict/lb1.conf:7)');
    expect(r.err).not.toContain(process.cwd());
  });

  it('puts them in the JSON', async () => {
    const body = JSON.parse((await run(...argv, '--json')).out) as { crossNode: { code: string; severity: string }[] };
    expect(body.crossNode.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['cluster-advert-int-mismatch', 'cluster-unicast-peer-missing', 'cluster-vip-mismatch']);
  });

  it('has nothing to say about agreeing files', async () => {
    const r = await run('simulate', '--node', 'lb1=scenarios/classic/prio150.conf', '--node', 'lb2=scenarios/classic/prio100.conf', '--until', '5', '--seed', '1');
    expect(r.err).not.toContain('across the nodes');
  });
});

describe('simulate tells a takeover from a preemption (trial W2)', { timeout: 30_000 }, () => {
  it('a nopreempt node taking over after the master crashed reads "no advert for …", not "150 > 100 wins"', async () => {
    const r = await run('simulate', '--node', 'lb1=scenarios/classic/prio150-nopreempt.conf', '--node', 'lb2=scenarios/classic/prio100.conf',
      '--event', '6 kill lb1', '--event', '10 start lb1', '--event', '20 kill lb2', '--until', '26', '--seed', '1');
    expect(r.code).toBe(0);
    expect(rowsOf(r.out, '22.437699 lb1')[0]).toBe('22.437699 lb1 VI_1 BACKUP → MASTER 150 master down timer expired; no advert for 3.414062 s (last: priority 100 from 192.0.2.2)');
    expect(r.out).not.toContain('150 > 100 wins');
  });
});

describe('simulate shows a sync group waiting for its members (trial F1, P11)', { timeout: 30_000 }, () => {
  it('prints "wants MASTER … waits for VI_IN" and a failed failover says who was master before and how long there was none', async () => {
    const r = await run('simulate', 'test/cli/fixtures/sync-group/three.scenario');
    expect(r.code).toBe(1);
    // once in the table, once in the failed expectation's excerpt
    expect(new Set(rowsOf(r.out, '18.414162 r1'))).toEqual(new Set([
      '18.414162 r1 VI_OUT wants MASTER priority 0 advert received from 203.0.113.12 (master resigned); skew time 0.414062 s expired; sync group G_ROUTER waits for VI_IN',
    ]));
    expect(r.out).toContain('but:      the master of VI_IN was r2 before 18 s; nobody from 18 s until 21.359574 s (3.359574 s), then r1\n');
  });
});
