/**
 * use_vmac on real keepalived in the lab's containers: keepalived creates the
 * macvlan itself (NET_ADMIN is enough) and every advert and gratuitous ARP
 * leaves from 00:00:5e:00:01:VRID — the same MACs the simulator writes for
 * the same configs (trial W8).
 */
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../../src/core/backend.js';
import { createDockerBackend } from '../../src/docker/docker-backend.js';
import { simulate } from '../../src/lab/simulate.js';
import { kill } from '../../src/scenario/events.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario } from '../../src/scenario/run.js';
import { configText, scenario } from '../../src/scenario/scenario.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import { nodeImage, skipReason, twoNodeConf } from './docker-test-utils.js';

/** "source MAC / EtherType" of every frame of a classic pcap. */
function senders(pcap: Uint8Array): Set<string> {
  const view = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const out = new Set<string>();
  for (let at = 24; at + 16 <= pcap.length; at += 16 + view.getUint32(at + 8, true)) {
    const f = at + 16;
    const mac = Array.from(pcap.subarray(f + 6, f + 12), (b) => b.toString(16).padStart(2, '0')).join(':');
    out.add(`${mac} ${view.getUint16(f + 12) === 0x0806 ? 'ARP' : 'IPv4'}`);
  }
  return out;
}

describe.skipIf(skipReason !== undefined)('use_vmac on Docker with real keepalived', () => {
  it('adverts and gratuitous ARPs from 00:00:5e:00:01:33, as the simulator writes them', async () => {
    const s = scenario('vmac')
      .node('lb1', configText('lb1.conf', twoNodeConf(150, '    use_vmac\n')))
      .node('lb2', configText('lb2.conf', twoNodeConf(100, '    use_vmac\n')))
      .at(5, kill('lb1'))
      .until(10)
      .seed(1)
      .build();
    const prepared = prepareScenario(s, { parse: keepalivedParser });
    let capture: { pcap: Uint8Array } | undefined;
    const real = await runScenario(prepared, createDockerBackend({ image: await nodeImage(), capture: true, engine: 'keepalived' }), {
      beforeStop: async (cluster) => void (capture = await requireCapability(cluster, 'capture', 'docker', 'the capture').collect()),
    });
    expect(real.timeline.transitions.some((t) => t.node === 'lb2' && t.to === 'MASTER')).toBe(true);
    if (capture === undefined) throw new Error('no capture');
    const predicted = await simulate(prepared, { parse: keepalivedParser, seed: 1, capture: true });
    expect(senders(capture.pcap)).toEqual(new Set(['00:00:5e:00:01:33 IPv4', '00:00:5e:00:01:33 ARP']));
    expect(senders(predicted.pcap as Uint8Array)).toEqual(senders(capture.pcap));
  });
});
