import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { Instant } from '../core/time.js';
import { EventQueue } from './event-queue.js';
import { vrrpV2Datagram } from './fake-engine.test-utils.js';
import { interfaceMac } from '../core/mac.js';
import { Attachment, type LinkOptions, SimNetwork } from './network.js';

interface Arrival {
  at: number;
  to: string;
  vrid: number | undefined;
}

/** A network of nodes on one segment, with the queue driven by hand. */
function lab(names: readonly string[], link: LinkOptions & { segments?: Record<string, LinkOptions> } = {}, seed = 1, vrids: readonly number[] = [51]) {
  const queue = new EventQueue();
  let now = 0 as Instant;
  const arrivals: Arrival[] = [];
  const drops: { to: string; from: string; code: string }[] = [];
  const rng = Rng.fromSeed(seed);
  const net = new SimNetwork(
    {
      queue,
      now: () => now,
      receive: (to, bytes) => arrivals.push({ at: now, to: to.node, vrid: bytes[21] }),
      drop: (at, from, code) => drops.push({ to: at.node, from, code }),
    },
    { ...link, latencyRng: rng.fork('latency'), lossRng: rng.fork('loss') },
  );
  const segment = net.segment('lan');
  const ports = new Map<string, Attachment>();
  names.forEach((name, i) => {
    const a = new Attachment(name, i, 'eth0', `192.0.2.${i + 1}`, segment, interfaceMac(i + 1, 1), new Set(vrids), true);
    segment.add(a);
    ports.set(name, a);
  });
  const port = (name: string): Attachment => ports.get(name)!;
  const advert = (from: string, vrid = 51) =>
    net.send(port(from), '224.0.0.18', vrrpV2Datagram({ source: port(from).address, destination: '224.0.0.18', ipId: 1, vrid, priority: 100, adverIntS: 1, addresses: ['192.0.2.100'] }));
  const run = (until = Number.MAX_SAFE_INTEGER) => {
    for (let next = queue.peekAt(); next !== undefined && next <= until; next = queue.peekAt()) {
      const e = queue.pop()!;
      now = e.at;
      e.run();
    }
  };
  const received = () => arrivals.map((a) => a.to).sort();
  const clear = () => {
    arrivals.length = 0;
    drops.length = 0;
  };
  return { net, port, advert, run, arrivals, drops, received, clear, setNow: (t: number) => (now = t as Instant) };
}

describe('SimNetwork delivery', () => {
  it('delivers a multicast to every other interface on the segment after the fixed default delay', () => {
    const l = lab(['a', 'b', 'c']);
    l.advert('a');
    l.run();
    expect(l.received()).toEqual(['b', 'c']);
    expect(l.arrivals.every((a) => a.at === 100)).toBe(true);
  });

  it('hands a VRRP multicast only to interfaces with that VRID when filtering (the default)', () => {
    const l = lab(['a', 'b'], {}, 1, [51]);
    l.advert('a', 52);
    l.run();
    expect(l.arrivals).toEqual([]);
  });

  it('delivers unicast to the holder of the destination address, and follows a gratuitous ARP', () => {
    const l = lab(['a', 'b', 'c']);
    const bytes = new Uint8Array(28);
    l.net.send(l.port('a'), '192.0.2.3', bytes);
    l.run();
    expect(l.received()).toEqual(['c']);
    l.clear();
    l.net.addAddress(l.port('b'), '192.0.2.100');
    l.net.send(l.port('a'), '192.0.2.100', bytes);
    l.run();
    expect(l.received()).toEqual(['b']);
    l.clear();
    // The VIP moves to c: until c announces it, the segment still sends it to b, who no longer has it.
    l.net.removeAddress(l.port('b'), '192.0.2.100');
    l.net.addAddress(l.port('c'), '192.0.2.100');
    l.net.send(l.port('a'), '192.0.2.100', bytes);
    l.run();
    expect(l.drops).toEqual([{ to: 'b', from: 'a', code: 'address-not-local' }]);
    l.clear();
    l.net.announce(l.port('c'), '192.0.2.100');
    l.net.send(l.port('a'), '192.0.2.100', bytes);
    l.run();
    expect(l.received()).toEqual(['c']);
  });

  it('drops unicast to an address nobody holds as no-route', () => {
    const l = lab(['a', 'b']);
    l.net.send(l.port('a'), '192.0.2.77', new Uint8Array(28));
    l.run();
    expect(l.arrivals).toEqual([]);
    expect(l.drops).toEqual([{ to: 'a', from: 'a', code: 'no-route' }]);
  });

  it('a down interface neither sends nor receives', () => {
    const l = lab(['a', 'b', 'c']);
    l.port('b').up = false;
    l.advert('a');
    l.advert('b');
    l.run();
    expect(l.received()).toEqual(['c']);
    expect(l.drops.map((d) => d.code).sort()).toEqual(['link-down', 'link-down']);
  });
});

describe('SimNetwork rules', () => {
  it('partition: nodes of different groups cannot reach each other; a node named in no group reaches everyone', () => {
    const l = lab(['a', 'b', 'c', 'd']);
    l.net.partition([['a', 'b'], ['c']]);
    for (const n of ['a', 'c', 'd']) l.advert(n);
    l.run();
    expect(l.received()).toEqual(['a', 'b', 'b', 'c', 'd', 'd']); // a→b,d; c→d; d→a,b,c
    expect(l.drops.filter((d) => d.code === 'partition').map((d) => `${d.from}→${d.to}`).sort()).toEqual(['a→c', 'c→a', 'c→b']);
  });

  it('a new partition replaces the old one, and heal restores everything', () => {
    const l = lab(['a', 'b', 'c']);
    l.net.partition([['a'], ['b', 'c']]);
    l.net.partition([['a', 'b'], ['c']]);
    l.advert('a');
    l.run();
    expect(l.received()).toEqual(['b']);
    l.clear();
    l.net.heal();
    expect(l.net.isWhole()).toBe(true);
    l.advert('a');
    l.run();
    expect(l.received()).toEqual(['b', 'c']);
  });

  it('oneway A B: A no longer reaches B, B still reaches A', () => {
    const l = lab(['a', 'b']);
    l.net.oneway('a', 'b');
    l.advert('a');
    l.advert('b');
    l.run();
    expect(l.arrivals.map((x) => x.to)).toEqual(['a']);
    expect(l.drops).toEqual([{ to: 'b', from: 'a', code: 'oneway' }]);
  });

  it('a packet already in flight when a partition starts still arrives', () => {
    const l = lab(['a', 'b']);
    l.advert('a');
    l.net.partition([['a'], ['b']]);
    l.run();
    expect(l.received()).toEqual(['b']);
  });

  it('hold keeps copies until release, then sends them with a fresh delay', () => {
    const l = lab(['a', 'b', 'c']);
    l.net.hold('a', 'b');
    l.advert('a');
    l.run();
    expect(l.received()).toEqual(['c']);
    l.clear();
    l.setNow(5_000);
    l.net.release();
    l.run();
    expect(l.arrivals).toEqual([{ at: 5_100, to: 'b', vrid: 51 }]);
  });

  it('loss: the sender loses about the given fraction, drawn from the seed', () => {
    const l = lab(['a', 'b'], {}, 7);
    l.net.setSenderLoss('a', 0.3);
    for (let i = 0; i < 2000; i++) l.advert('a');
    l.run();
    const lost = l.drops.filter((d) => d.code === 'loss').length;
    expect(lost + l.arrivals.length).toBe(2000);
    expect(lost).toBeGreaterThan(500);
    expect(lost).toBeLessThan(700);
    // The same seed loses the same copies.
    const again = lab(['a', 'b'], {}, 7);
    again.net.setSenderLoss('a', 0.3);
    for (let i = 0; i < 2000; i++) again.advert('a');
    again.run();
    expect(again.drops).toEqual(l.drops);
  });

  it('loss 1 loses everything, 0 restores delivery', () => {
    const l = lab(['a', 'b']);
    l.net.setSenderLoss('a', 1);
    l.advert('a');
    l.run();
    expect(l.arrivals).toEqual([]);
    l.net.setSenderLoss('a', 0);
    l.advert('a');
    l.run();
    expect(l.received()).toEqual(['b']);
  });

  it('jitter draws each copy a delay within the bounds, the same for the same seed', () => {
    const times = (seed: number) => {
      const l = lab(['a', 'b', 'c'], { latencyUsMin: 100, latencyUsMax: 900 }, seed);
      for (let i = 0; i < 50; i++) l.advert('a');
      l.run();
      return l.arrivals.map((x) => x.at);
    };
    const first = times(3);
    expect(first.every((t) => t >= 100 && t <= 900)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(10);
    expect(times(3)).toEqual(first);
    expect(times(4)).not.toEqual(first);
  });

  it('a segment can override the network-wide delay; unset fields inherit it', () => {
    const l = lab(['a', 'b'], { latencyUsMin: 100, lossRatio: 0, segments: { lan: { latencyUsMin: 2_500 } } });
    l.advert('a');
    l.run();
    expect(l.arrivals.map((x) => x.at)).toEqual([2_500]);
    expect(l.net.maxLatencyUs).toBe(2_500);
  });

  it('rejects impossible link settings with a stable code', () => {
    expect(() => lab(['a'], { latencyUsMin: 10, latencyUsMax: 5 })).toThrow(expect.objectContaining({ code: 'sim-latency-invalid' }));
    expect(() => lab(['a'], { lossRatio: 2 })).toThrow(expect.objectContaining({ code: 'sim-loss-invalid' }));
    expect(() => lab(['a'], { segments: { lan: { latencyUsMin: -1 } } })).toThrow(expect.objectContaining({ code: 'sim-latency-invalid' }));
  });
});
