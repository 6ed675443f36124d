/**
 * `ipvs pick|explain --config keepalived.conf [--service VIP:PORT]` and the hash
 * arithmetic `ipvs explain` shows for sh, dh and mh (issue 11.6; trial finding F11).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const LB1 = fileURLToPath(new URL('../../scenarios/seed-003-lvs-directors/lb1.conf', import.meta.url));

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function twoServices(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipvs-config-'));
  const file = join(dir, 'lb.conf');
  writeFileSync(file, `virtual_server 192.0.2.80 80 {
  lb_algo wrr
  real_server 192.0.2.31 80 {
    weight 3
  }
  real_server 192.0.2.32 80 {
    weight 1
  }
}
virtual_server 192.0.2.81 443 {
  lb_algo sh
  real_server 192.0.2.41 443 {
  }
}
`);
  return file;
}

describe('ipvs --config', () => {
  it("takes seed 003's real servers and lb_algo (wlc) from its virtual_server block", async () => {
    const r = await run('ipvs', 'pick', '--config', LB1, '-n', '4');
    expect(r.code).toBe(0);
    // Both weight 1, the later one heads the kernel list: wlc alternates from it.
    expect(r.out).toBe('1\t192.0.2.32:2811\n2\t192.0.2.31:2811\n3\t192.0.2.32:2811\n4\t192.0.2.31:2811\n');
    const e = await run('ipvs', 'explain', '--config', LB1);
    expect(e.out).toContain('scheduler wlc (virtual_server 192.0.2.80:2811)');
    expect(e.out).toContain("destination 192.0.2.80 (default: the virtual_server's address, 192.0.2.80:2811)");
  });

  it('uses the weights written and chooses a block with --service', async () => {
    const file = twoServices();
    const wrr = await run('ipvs', 'pick', '--config', file, '--service', '192.0.2.80:80', '-n', '4');
    // The same as the servers given by hand in the order written, with their weights.
    const byHand = await run('ipvs', 'pick', '-s', 'wrr', '--server', 'a@192.0.2.31:3', '--server', 'b@192.0.2.32:1', '-n', '4');
    expect(byHand.out).toBe('1\tb\n2\ta\n3\ta\n4\ta\n');
    expect(wrr.out).toBe(byHand.out.replaceAll('\ta', '\t192.0.2.31:80').replaceAll('\tb', '\t192.0.2.32:80'));
    const sh = await run('ipvs', 'explain', '--config', file, '--service', '192.0.2.81:443', '--client', '203.0.113.9');
    expect(sh.out).toContain('scheduler sh');
    expect(sh.out).toContain('chosen: 192.0.2.41:443');
  });

  it.each([
    [() => ['ipvs', 'pick', '--config', twoServices()], /has 2 virtual_server blocks: choose one with --service \(192\.0\.2\.80:80, 192\.0\.2\.81:443\)/],
    [() => ['ipvs', 'pick', '--config', twoServices(), '--service', '192.0.2.99:80'], /--service 192\.0\.2\.99:80: no such virtual_server/],
    [() => ['ipvs', 'pick', '--config', LB1, '--server', 'a:1'], /with --server or with --config, not both/],
    [() => ['ipvs', 'pick', '--service', '192.0.2.80:80', '--server', 'a:1'], /give --config too/],
    [() => ['ipvs', 'pick', '--config', 'no/such.conf'], /no\/such\.conf' does not exist/],
  ])('refuses a bad --config/--service with exit 2 (%#)', async (argv, message) => {
    const r = await run(...argv());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('ipvs explain for the hashing schedulers', () => {
  it('sh: the hash of the client, its bucket, and the server the pick gives', async () => {
    const r = await run('ipvs', 'explain', '-s', 'sh', '--server', 'a:1', '--server', 'b:1', '--client', '203.0.113.9');
    // hash_32(0xCB007109, 8): 0xCB007109 × 0x61C88647 mod 2^32, top 8 bits.
    const bucket = Number((0xcb007109n * 0x61c88647n) % 2n ** 32n) >>> 24;
    expect(r.out).toContain(`hash_32(saddr 203.0.113.9 = 3405803785, 8) = ${bucket}`);
    const holder = /bucket \d+ of 256 holds (\w+)/.exec(r.out)?.[1];
    const pick = await run('ipvs', 'pick', '-s', 'sh', '--server', 'a:1', '--server', 'b:1', '--client', '203.0.113.9', '-n', '1');
    expect(`1\t${holder}\n`).toBe(pick.out);
    expect(r.out).toContain(`chosen: ${holder}`);
    expect(r.out).toContain('b 128, a 128');
    expect(r.out).not.toContain('overhead');
  });

  it('dh: hashes the destination (stated default) and ignores weights when dealing buckets', async () => {
    const r = await run('ipvs', 'explain', '-s', 'dh', '--server', 'a:1', '--server', 'b:5');
    expect(r.out).toContain('destination 198.51.100.1 (default: a new destination per connection');
    expect(r.out).toMatch(/dh hashes the destination: hash_32\(daddr 198\.51\.100\.1 = 3325256705, 8\) = \d+/);
    expect(r.out).toContain('b 128, a 128');
  });

  it('mh: the keyed hash, the slot modulo the table size, and the server in it', async () => {
    const r = await run('ipvs', 'explain', '-s', 'mh', '--server', 'a:1', '--server', 'b:1', '--client', '203.0.113.9', '--mh-table-size', '251');
    const m = /= (\d+); \1 mod 251 = slot (\d+)/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![1]) % 251).toBe(Number(m![2]));
    const holder = /slot \d+ of 251 holds (\w+)/.exec(r.out)?.[1];
    expect(r.out).toContain(`chosen: ${holder}`);
  });

  it('says when the home bucket cannot be used and there is no fallback', async () => {
    const both = await run('ipvs', 'explain', '-s', 'sh', '--server', 'a:0', '--server', 'b:0', '--client', '203.0.113.9');
    expect(both.out).toMatch(/holds \w+ \(weight 0\): without fallback there is no destination/);
    expect(both.out).toContain('chosen: none');
  });
});
