/**
 * `vrrp-lab ipvs` end to end, in-process: kernel sequences through --json, the
 * explain text, and usage errors (exit 2, no stack).
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function picks(...argv: string[]): Promise<(string | null)[]> {
  const r = await run('ipvs', 'pick', '--json', ...argv);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { picks: (string | null)[] }).picks;
}

describe('vrrp-lab ipvs pick', () => {
  it('wrr a:4 b:3 c:2 follows the kernel (list c,b,a; cw starts at 1 after one-by-one adds)', async () => {
    expect((await picks('--scheduler', 'wrr', '--server', 'a:4', '--server', 'b:3', '--server', 'c:2', '--count', '9')).join('')).toBe('cbaabacba');
  });
  it('wlc: ties to the last server given; initial counts and weight 0', async () => {
    expect((await picks('-s', 'wlc', '--server', 'a:1', '--server', 'b:1', '--count', '4')).join('')).toBe('baba');
    expect((await picks('-s', 'wlc', '--server', 'a:1:1:0', '--server', 'b:0', '--count', '2')).join('')).toBe('aa');
  });
  it('--close counts connections inactive (1/256 of an active one)', async () => {
    expect((await picks('-s', 'wlc', '--server', 'a:1:1:0', '--server', 'b:1', '--count', '3', '--close')).join('')).toBe('bbb');
  });
  it('overloaded servers are skipped; none left → null', async () => {
    expect(await picks('-s', 'lc', '--server', 'a:1:0:0:1', '--count', '2')).toEqual(['a', null]);
  });
  it('mh and sh give the same server to the same client', async () => {
    const p = await picks('-s', 'mh', '--server', 'a@10.0.0.1:1', '--server', 'b@10.0.0.2:1', '--client', '203.0.113.7', '--count', '3');
    expect(new Set(p).size).toBe(1);
  });
});

describe('vrrp-lab ipvs explain', () => {
  it('shows overheads and the deciding comparison for wlc', async () => {
    const r = await run('ipvs', 'explain', '-s', 'wlc', '--server', 'a:1:3:10', '--server', 'b:2:5:0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('overhead     778');
    expect(r.out).toContain('b vs a: 1280*1 = 1280 <= 778*2 = 1556 → b'); // 1280/2 < 778/1
    expect(r.out).toMatch(/chosen: b/);
  });
});

describe('vrrp-lab ipvs usage errors', () => {
  it.each([
    [['ipvs', 'pick', '--scheduler', 'nope', '--server', 'a:1']],
    [['ipvs', 'pick', '--server', 'a']],
    [['ipvs', 'pick', '--server', 'a:x']],
    [['ipvs', 'pick']],
    [['ipvs', 'frob', '--server', 'a:1']],
    [['ipvs', 'pick', '--server', 'a:1', '--server', 'a:2']],
  ])('%j → exit 2 with a message, no stack', async (argv) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.err.length).toBeGreaterThan(0);
  });
});

describe('vrrp-lab ipvs pick --change', () => {
  it('rr: deleting the server under the cursor continues after it; an added server is reached after the wrap', async () => {
    const p = await picks('-s', 'rr', '--server', 'a:1', '--server', 'b:1', '--server', 'c:1', '--count', '6', '--change', '2 del b', '--change', '4 add d:1');
    // list c,b,a: c b | b deleted → cursor moves back to c: a, (wrap) c | d added at the head
    // (list d,c,a), cursor still c: a, then the wrap reaches d
    expect(p.join('')).toBe('cbacad');
  });
  it('wlc: quiescing with weight 0 mid-way stops new picks', async () => {
    const p = await picks('-s', 'wlc', '--server', 'a:1', '--server', 'b:1', '--count', '4', '--change', '1 edit a:0');
    expect(p.join('')).toBe('bbbb');
  });
  it('re-adding a deleted server by name revives its entry and counters (same address)', async () => {
    // b takes 2 connections, leaves, comes back: with its 2 active it ties with a (2), and wins as the newest.
    const revived = await picks('-s', 'wlc', '--server', 'a:1', '--server', 'b:1', '--count', '6', '--change', '4 del b', '--change', '4 add b:1');
    expect(revived.join('')).toBe('bababa'); // b is back at the head with its 2 active: it wins the tie with a
    // a new name at a new address starts from nothing and takes everything until it catches up
    const fresh = await picks('-s', 'wlc', '--server', 'a:1', '--server', 'b:1', '--count', '6', '--change', '4 del b', '--change', '4 add c:1');
    expect(fresh.join('')).toBe('babacc');
  });
  it('an explicit @ADDR in a --change add is kept, even 10.0.0.1', async () => {
    // a (10.0.0.1) leaves with 1 active and comes back at its address: it ties with b and wins as the newest.
    const p = await picks('-s', 'wlc', '--server', 'a:1', '--server', 'b:1', '--count', '4', '--change', '2 del a', '--change', '2 add a@10.0.0.1:1');
    expect(p.join('')).toBe('baab');
  });
  it('another name at a deleted server\'s address is a usage error, not a renamed revival', async () => {
    const r = await run('ipvs', 'pick', '--server', 'a:1', '--count', '3', '--change', '1 del a', '--change', '1 add z@10.0.0.1:1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('that is the address of the deleted server a');
  });
  it('a bad change is a usage error', async () => {
    const r = await run('ipvs', 'pick', '--server', 'a:1', '--change', '1 del zz');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no destination named zz');
  });
});

describe('vrrp-lab ipvs --mh-table-size', () => {
  it('accepts the kernel primes only', async () => {
    expect((await picks('-s', 'mh', '--mh-table-size', '251', '--server', 'a:1', '--count', '2'))).toEqual(['a', 'a']);
    expect((await run('ipvs', 'pick', '-s', 'mh', '--mh-table-size', '250', '--server', 'a:1')).code).toBe(2);
  });
});
