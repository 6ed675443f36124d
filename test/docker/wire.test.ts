/**
 * Our engine's packets on the wire: captured with tcpdump in a node while a
 * keepalived node and one of ours elect, then decoded by tshark as VRRPv2 with
 * good checksums — from both senders.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { configText, scenario } from '../../src/scenario/scenario.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import { secondsToUs } from '../../src/core/time.js';
import { kill } from '../../src/scenario/events.js';
import { runScenario } from '../../src/scenario/run.js';
import { requireCapability } from '../../src/core/backend.js';
import { nodeSpecOf } from '../../src/spec/node-spec.js';
import { nodeImage, skipReason, twoNodeConf } from './docker-test-utils.js';

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark'], { stdio: 'ignore' }).status === 0;

describe.skipIf(skipReason !== undefined || !hasTshark)('VRRP on the wire', () => {
  it('tshark decodes the adverts of our engine and of keepalived as valid VRRPv2', async () => {
    const prepared = prepareScenario(scenario('wire').node('lb1', configText('lb1.conf', twoNodeConf(150))).node('lb2', configText('lb2.conf', twoNodeConf(100))).until(6).build(), { parse: keepalivedParser });
    const spec = { seed: 1, nodes: prepared.nodes.map((n) => ({ id: n.id, address: n.address, config: nodeSpecOf(n) })) };
    await using cluster = await createDockerBackend({ image: await nodeImage(), engine: 'keepalived', engines: { lb1: 'ts' } }).create(spec).start();
    const lb2 = cluster.container('lb2');
    await lb2.shDetached('exec tcpdump -i eth0 -U -w /lab/vrrp.pcap ip proto 112 2>/dev/null');
    await cluster.advance(secondsToUs(6));
    await lb2.shAnyway('pkill -INT tcpdump; sleep 0.3');
    const pcap = Buffer.from((await lb2.sh('base64 -w0 /lab/vrrp.pcap')).trim(), 'base64');
    const file = join(mkdtempSync(join(tmpdir(), 'vrrp-lab-wire-')), 'vrrp.pcap');
    writeFileSync(file, pcap);
    const rows = execFileSync('tshark', ['-r', file, '-o', 'vrrp.v3_checksum_as_in_v2:FALSE', '-Y', 'vrrp', '-T', 'fields', '-e', 'ip.src', '-e', 'vrrp.version', '-e', 'vrrp.prio', '-e', 'vrrp.checksum.status', '-e', 'ip.ttl'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const fromUs = rows.filter((r) => r[2] === '150');
    expect(fromUs.length).toBeGreaterThanOrEqual(2);
    // version 2, checksum good (tshark's status: 0 bad, 1 good, 2 unverified), TTL 255 on every advert from either engine
    for (const r of rows) expect([r[1], r[3], r[4]]).toEqual(['2', '1', '255']);
  });

  it('--pcap on Docker: every frame once, at its sender, on the run clock of the timeline', async () => {
    const prepared = prepareScenario(
      scenario('capture').node('lb1', configText('lb1.conf', twoNodeConf(150))).node('lb2', configText('lb2.conf', twoNodeConf(100))).at(5, kill('lb1')).until(10).build(),
      { parse: keepalivedParser },
    );
    let capture: { pcap: Uint8Array; frames: number } | undefined;
    const run = await runScenario(prepared, createDockerBackend({ image: await nodeImage(), capture: true, engine: 'keepalived', engines: { lb1: 'ts' } }), {
      beforeStop: async (cluster) => void (capture = await requireCapability(cluster, 'capture', 'docker', 'the capture').collect()),
    });
    if (capture === undefined) throw new Error('no capture');
    const file = join(mkdtempSync(join(tmpdir(), 'vrrp-lab-capture-')), 'run.pcap');
    writeFileSync(file, capture.pcap);
    const rows = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', '_ws.col.Protocol', '-e', 'ip.src', '-e', 'vrrp.prio', '-e', 'arp.src.proto_ipv4'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(capture.frames);
    const adverts = rows.filter((r) => r[1] === 'VRRP');
    const firstFrom = (prio: string): number => Number(adverts.find((r) => r[3] === prio)?.[0]);
    const masterAt = (node: string): number => {
      const t = run.timeline.transitions.find((x) => x.node === node && x.to === 'MASTER');
      if (t === undefined) throw new Error(`${node} never became master`);
      return t.at / 1e6;
    };
    // Each master's first advert leaves with its transition (captured once: no duplicates from the receivers).
    expect(Math.abs(firstFrom('150') - masterAt('lb1'))).toBeLessThan(0.1);
    expect(Math.abs(firstFrom('100') - masterAt('lb2'))).toBeLessThan(0.1);
    expect(adverts.filter((r) => r[3] === '150' && Number(r[0]) > 5.1)).toEqual([]);
    // The backup sends nothing until it takes over; then gratuitous ARP announces the VIP.
    expect(adverts.filter((r) => r[3] === '100' && Number(r[0]) < masterAt('lb2') - 0.1)).toEqual([]);
    expect(rows.some((r) => r[1] === 'ARP' && r[4] === '192.0.2.100' && Number(r[0]) >= masterAt('lb2') - 0.1)).toBe(true);
  });
});
