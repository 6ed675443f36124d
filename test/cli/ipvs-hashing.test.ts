/**
 * Properties of the hashing and random schedulers, seen through
 * `vrrp-lab ipvs pick --json` (in-process): sh and dh keep a client (a
 * destination) on one server while the list is unchanged, Maglev moves few
 * clients when a server leaves and none when one is quiesced, lblc sticks to
 * its server, and twos is reproducible, never picks an unavailable server and
 * balances by weight.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function picks(...argv: string[]): Promise<(string | null)[]> {
  const io = captureIo();
  const code = await main(['ipvs', 'pick', '--json', ...argv], io);
  expect(io.err()).toBe('');
  expect(code).toBe(0);
  return (JSON.parse(io.out()) as { picks: (string | null)[] }).picks;
}

/** Servers s1..sN at 10.0.2.N with the given weights: explicit addresses, so a list change moves no one's hash inputs. */
const servers = (weights: readonly number[]): string[] => weights.flatMap((w, i) => ['--server', `s${i + 1}@10.0.2.${i + 1}:${w}`]);

const tally = (ps: readonly (string | null)[]): Map<string | null, number> => {
  const m = new Map<string | null, number>();
  for (const p of ps) m.set(p, (m.get(p) ?? 0) + 1);
  return m;
};

describe('sh', () => {
  it('the same client gets the same server, connection after connection, while the list is unchanged', async () => {
    for (const client of ['203.0.113.7', '198.51.100.200', '192.0.2.1']) {
      const p = await picks('-s', 'sh', ...servers([1, 2, 3, 1]), '--client', client, '--count', '12');
      expect(new Set(p).size).toBe(1);
      expect(p[0]).not.toBeNull();
    }
  });
  it('many clients reach every server with a weight', async () => {
    const p = await picks('-s', 'sh', ...servers([1, 2, 3, 1]), '--count', '400', '--close');
    expect([...tally(p).keys()].sort()).toEqual(['s1', 's2', 's3', 's4']);
  });
  it('a quiesced home server: no destination, unless --fallback finds another', async () => {
    const home = (await picks('-s', 'sh', ...servers([1, 1]), '--client', '203.0.113.9', '--count', '1'))[0]!;
    const quiesce = ['--change', `0 edit ${home}:0`];
    expect(await picks('-s', 'sh', ...servers([1, 1]), '--client', '203.0.113.9', '--count', '2', ...quiesce)).toEqual([null, null]);
    const other = home === 's1' ? 's2' : 's1';
    expect(await picks('-s', 'sh', ...servers([1, 1]), '--client', '203.0.113.9', '--count', '2', '--fallback', ...quiesce)).toEqual([other, other]);
  });
  it('--hash-port spreads one client over several servers (its source port changes per connection)', async () => {
    const p = await picks('-s', 'sh', ...servers([1, 1, 1]), '--client', '203.0.113.7', '--count', '60', '--hash-port');
    expect(tally(p).size).toBeGreaterThan(1);
  });
});

describe('mh (Maglev)', () => {
  const EIGHT = [1, 1, 1, 1, 1, 1, 1, 1];

  it('when one server leaves, only its clients move (and a few others: under 3 %)', async () => {
    const before = await picks('-s', 'mh', ...servers(EIGHT), '--count', '600', '--close');
    const after = await picks('-s', 'mh', ...servers(EIGHT), '--count', '600', '--close', '--change', '0 del s4');
    let others = 0;
    let othersMoved = 0;
    before.forEach((p, i) => {
      if (p === 's4') {
        expect(after[i]).not.toBe('s4');
        expect(after[i]).not.toBeNull();
        return;
      }
      others++;
      if (after[i] !== p) othersMoved++;
    });
    expect(others).toBeGreaterThan(400);
    expect(othersMoved / others).toBeLessThan(0.03);
  });
  it('quiescing a server (weight 0) moves nobody else; with --fallback its clients go elsewhere', async () => {
    const before = await picks('-s', 'mh', ...servers(EIGHT), '--count', '400', '--close');
    const after = await picks('-s', 'mh', ...servers(EIGHT), '--count', '400', '--close', '--fallback', '--change', '0 edit s4:0');
    before.forEach((p, i) => {
      if (p === 's4') expect(after[i]).not.toBe('s4');
      else expect(after[i]).toBe(p);
    });
    const noFallback = await picks('-s', 'mh', ...servers(EIGHT), '--count', '400', '--close', '--change', '0 edit s4:0');
    before.forEach((p, i) => expect(noFallback[i]).toBe(p === 's4' ? null : p));
  });
  it('the table size is a kernel prime and changes the layout, not the stickiness', async () => {
    const a = await picks('-s', 'mh', ...servers([1, 1, 1]), '--client', '203.0.113.50', '--count', '5', '--mh-table-size', '251');
    expect(new Set(a).size).toBe(1);
  });
});

describe('dh, lblc, lblcr', () => {
  it('dh: one destination address, one server', async () => {
    const p = await picks('-s', 'dh', ...servers([1, 5, 2]), '--dest', '203.0.113.80', '--count', '10');
    expect(new Set(p).size).toBe(1);
  });
  it('lblc: a destination sticks to its first server while no server is lblc-overloaded', async () => {
    // weights 100: nobody reaches activeconns > weight in 20 connections
    const p = await picks('-s', 'lblc', ...servers([100, 100, 100]), '--dest', '203.0.113.80', '--count', '20');
    expect(p).toEqual(new Array(20).fill('s3')); // wlc's first pick: the newest server
  });
  it('lblc: it moves once its server is busier than its weight while another is under half of its own', async () => {
    // s2 (weight 4) takes the destination, then has 5 active > 4 while s1 has 0*2 < 1
    const p = await picks('-s', 'lblc', '--server', 's1:1', '--server', 's2:4', '--dest', '203.0.113.80', '--count', '7');
    expect(p).toEqual(['s2', 's2', 's2', 's2', 's2', 's1', 's1']);
  });
  it('lblcr: the set grows instead, and the least loaded member of the set serves', async () => {
    const p = await picks('-s', 'lblcr', '--server', 's1:1', '--server', 's2:4', '--dest', '203.0.113.80', '--count', '8');
    expect(p.slice(0, 6)).toEqual(['s2', 's2', 's2', 's2', 's2', 's1']);
    expect(new Set(p)).toEqual(new Set(['s1', 's2']));
  });
});

describe('twos (power of two choices)', () => {
  it('is reproducible for a seed and depends on it', async () => {
    const run = (seed: string) => picks('-s', 'twos', ...servers([1, 2, 3]), '--count', '50', '--seed', seed);
    expect(await run('7')).toEqual(await run('7'));
    expect(await run('7')).not.toEqual(await run('8'));
  });
  it('never picks a server of weight 0 or an overloaded one', async () => {
    const p = await picks('-s', 'twos', '--server', 'a:3', '--server', 'b:0', '--server', 'c:2:1:0:1', '--server', 'd:2', '--count', '200', '--close');
    expect(new Set(p)).toEqual(new Set(['a', 'd']));
  });
  it('keeps open connections in proportion to the weights (overhead/weight decides between the two draws)', async () => {
    const p = await picks('-s', 'twos', '--server', 'a:1', '--server', 'b:3', '--count', '800', '--seed', '3');
    const b = tally(p).get('b') ?? 0;
    expect(b / 800).toBeGreaterThan(0.68);
    expect(b / 800).toBeLessThan(0.82);
  });
});
