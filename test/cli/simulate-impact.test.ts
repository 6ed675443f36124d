/**
 * The new-user trial's F3: "what happens if …" answered after the timeline —
 * per fault, who took over and when, how long nobody held the VIP, and the
 * client connections lost; per VIP, availability and failovers (in --json always).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('vrrp-lab simulate: impact of each fault', { timeout: 30_000 }, () => {
  it('seed 000: the outside link dies and the summary says gw1 took over after 0.609475 s', async () => {
    const r = await run('simulate', 'scenarios/seed-000-gateway/gateway.scenario');
    expect(r.code, r.err).toBe(0);
    const block = r.out.slice(r.out.indexOf('impact of each fault'));
    expect(block.split('\n').slice(0, 4)).toEqual([
      'impact of each fault (measured until the next one):',
      '   1  start gw1 → VI_1 master nobody → gw2 after 2.609375 s; 2.609375 s without a master or VIP holder; 1 transition',
      '   6  linkdown gw2 eth0 → VI_1 master gw2 → gw1 after 0.609475 s; 0.609475 s without a master or VIP holder; 2 transitions',
      '  12  linkup gw2 eth0 → VI_1 master gw1 kept; 1 transition',
    ]);
  });

  it('seed 003 in JSON: connections lost per fault, and availability of the VIP', async () => {
    const r = await run('simulate', 'scenarios/seed-003-lvs-directors/directors.scenario', '--json');
    expect(r.code, r.err).toBe(0);
    const { impact } = JSON.parse(r.out) as { impact: { faults: Record<string, unknown>[]; availability: Record<string, unknown>[] } };
    expect(impact.faults.map((f) => f['events'])).toEqual([['rsdown rs1'], ['rsup rs1'], ['kill lb1'], ['start lb1']]);
    expect(impact.faults[0]).toMatchObject({ t: 20, until: 45, clients: { broken: 30, refused: 16, timedOut: 0, servers: { rs1: 30 } } });
    expect(impact.faults[2]).toMatchObject({ t: 60, instances: [{ instance: 'VI_gridftp', before: ['lb1'], after: ['lb2'], settledAfter: 3.414162, none: 3.414162 }] });
    expect(impact.availability).toEqual([
      expect.objectContaining({ address: '192.0.2.80', instance: 'VI_gridftp', total: 100, failovers: 2 }),
    ]);
  });

  it('seed 003: failed connections come as runs between the check rows that explain them; --clients each lists them all', async () => {
    const rowsOf = (out: string, re: RegExp): string[] => out.split('\n').filter((l) => re.test(l)).map((l) => l.replace(/ +/g, ' ').trim());
    const grouped = await run('simulate', 'scenarios/seed-003-lvs-directors/directors.scenario');
    expect(grouped.code, grouped.err).toBe(0);
    expect(rowsOf(grouped.out, /^ *\d+\.\d+ {2}(clients +\d+ failed|lb\d +rs1 +rs1 out)/).slice(0, 4)).toEqual([
      '20.000100 clients 35 failed to 22.2503 s: 30 broken, 5 refused 30 via rs1; reset by rs1',
      '22.472690 lb2 rs1 rs1 out of service (192.0.2.80:2811) Removing service [192.0.2.31]:tcp:2811 from VS [192.0.2.80]:tcp:2811',
      '22.750300 clients 11 failed to 30.0003 s: 11 refused reset by rs1',
      '30.807216 lb1 rs1 rs1 out of service (192.0.2.80:2811) Removing service [192.0.2.31]:tcp:2811 from VS [192.0.2.80]:tcp:2811',
    ]);
    const each = await run('simulate', 'scenarios/seed-003-lvs-directors/directors.scenario', '--clients', 'each');
    expect(rowsOf(each.out, /^ *\d+\.\d+ {2}clients +\d+ (failed|connections?) /)).toHaveLength(15);
    expect(rowsOf(grouped.out, /^ *\d+\.\d+ {2}clients +\d+ (failed|connections?) /)).toHaveLength(4);
    const bad = await run('simulate', 'scenarios/seed-003-lvs-directors/directors.scenario', '--clients', 'some');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('give grouped or each');
  });

  it("seed 003 --svg: the real server's real state beside the checker's view, and the connection line's scale (trial P2)", async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'impact-svg-')), 'lvs.svg');
    const r = await run('simulate', 'scenarios/seed-003-lvs-directors/directors.scenario', '--svg', svg, '--from', '10', '--to', '60');
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain("<title>rs1 really down (stop) from 20 s to 45 s; the band is the VIP holder's checker's view</title>");
    expect(text).toMatch(/<title>rs1: active connections on the VIP holder \(0–\d+\)<\/title>/);
    expect(text).toContain('· 10–60 s</text>');
  });

  it('--from/--to need --svg and an order', async () => {
    const noSvg = await run('simulate', 'scenarios/seed-000-gateway/gateway.scenario', '--from', '5');
    expect(noSvg.code).toBe(2);
    expect(noSvg.err).toContain('--from and --to zoom the SVG picture: give --svg FILE too');
    const svg = join(mkdtempSync(join(tmpdir(), 'impact-svg-')), 'z.svg');
    const backwards = await run('simulate', 'scenarios/seed-000-gateway/gateway.scenario', '--svg', svg, '--from', '9', '--to', '3');
    expect(backwards.code).toBe(2);
    expect(backwards.err).toContain('--to (3 s) must be later than --from (9 s)');
    const bad = await run('simulate', 'scenarios/seed-000-gateway/gateway.scenario', '--svg', svg, '--from', 'soon');
    expect(bad.code).toBe(2);
  });
});
