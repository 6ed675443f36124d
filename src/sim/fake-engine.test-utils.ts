/**
 * A deliberately tiny VRRP-shaped engine for the simulator's own unit tests:
 * one instance per node, backup → master when its down timer expires, master
 * adverts every interval, yields to a higher priority, priority 0 on shutdown.
 * It sends real VRRPv2 datagrams (RFC 3768 §5, checksums included) so the
 * network and pcap code see real bytes. It is no model of keepalived — the
 * real engine lives in src/vrrp and the end-to-end tests use that.
 */
import type { Instant } from '../core/time.js';
import type { Engine } from '../core/engine.js';
import type { VrrpInput, VrrpNodeConfig, VrrpOutput, VrrpInstanceConfig } from '../vrrp/types.js';
import { writeIpv4 } from '../core/ipv4.js';

export interface FakeState {
  readonly config: VrrpNodeConfig;
  readonly mode: 'BACKUP' | 'MASTER' | 'STOP';
  readonly deadline: Instant | undefined;
  readonly ipId: number;
  readonly timeouts: number;
  readonly lastNow: Instant;
}

type Step = { readonly state: FakeState; readonly outputs: readonly VrrpOutput[] };

const skewUs = (priority: number): number => Math.floor(((256 - priority) * 1_000_000) / 256);
const downUs = (i: VrrpInstanceConfig): number => 3 * i.advertIntUs + skewUs(i.priority);

function only(config: VrrpNodeConfig): VrrpInstanceConfig {
  const instance = config.instances[0];
  if (instance === undefined) throw new Error('fake engine needs one instance');
  return instance;
}

export const fakeEngine: Engine<VrrpNodeConfig, FakeState, VrrpInput, VrrpOutput> = {
  name: 'fake-vrrp',
  init(config, now) {
    const i = only(config);
    const state: FakeState = { config, mode: 'BACKUP', deadline: (now + downUs(i)) as Instant, ipId: 1, timeouts: 0, lastNow: now };
    const scripts: VrrpOutput[] = config.scripts.map((s) => ({ kind: 'run-script', script: s.name }));
    return { state, outputs: [...scripts, transition(i, 'INIT', 'BACKUP', 'startup')] };
  },
  step(state, input, now) {
    const s = { ...state, lastNow: now };
    switch (input.kind) {
      case 'timeout':
        return onTimeout({ ...s, timeouts: s.timeouts + 1 }, now);
      case 'packet':
        return onPacket(s, input.bytes, now);
      case 'shutdown':
        return onShutdown(s);
      case 'script-result':
        return { state: s, outputs: [{ kind: 'script-status', script: input.script, ok: input.exitCode === 0, exitCode: input.exitCode }] };
      case 'link':
        return { state: s, outputs: [] };
    }
  },
  nextDeadline: (state) => state.deadline,
};

function onTimeout(s: FakeState, now: Instant): Step {
  const i = only(s.config);
  if (s.deadline === undefined || now < s.deadline) return { state: s, outputs: [] };
  if (s.mode === 'BACKUP') {
    const vip = i.virtualAddresses[0];
    const outputs: VrrpOutput[] = [advert(s, i, i.priority), transition(i, 'BACKUP', 'MASTER', 'master down timer expired')];
    if (vip !== undefined) {
      outputs.push({ kind: 'add-address', instance: i.name, interface: i.interface, address: vip.address, prefixLength: vip.prefixLength });
      outputs.push({ kind: 'send-gratuitous-arp', instance: i.name, interface: i.interface, address: vip.address });
    }
    return { state: { ...s, mode: 'MASTER', deadline: (now + i.advertIntUs) as Instant, ipId: s.ipId + 1 }, outputs };
  }
  return { state: { ...s, deadline: (now + i.advertIntUs) as Instant, ipId: s.ipId + 1 }, outputs: [advert(s, i, i.priority)] };
}

function onPacket(s: FakeState, bytes: Uint8Array, now: Instant): Step {
  const i = only(s.config);
  const priority = bytes[22] ?? 0;
  if (s.mode === 'BACKUP') {
    const wait = priority === 0 ? skewUs(i.priority) : downUs(i);
    return { state: { ...s, deadline: (now + wait) as Instant }, outputs: [] };
  }
  if (s.mode === 'MASTER' && priority > i.priority) {
    const vip = i.virtualAddresses[0];
    const outputs: VrrpOutput[] = [transition(i, 'MASTER', 'BACKUP', 'higher priority advert')];
    if (vip !== undefined) outputs.push({ kind: 'remove-address', instance: i.name, interface: i.interface, address: vip.address, prefixLength: vip.prefixLength });
    return { state: { ...s, mode: 'BACKUP', deadline: (now + downUs(i)) as Instant }, outputs };
  }
  return { state: s, outputs: [] };
}

function onShutdown(s: FakeState): Step {
  const i = only(s.config);
  const outputs: VrrpOutput[] = [];
  if (s.mode === 'MASTER') {
    outputs.push(advert(s, i, 0));
    const vip = i.virtualAddresses[0];
    if (vip !== undefined) outputs.push({ kind: 'remove-address', instance: i.name, interface: i.interface, address: vip.address, prefixLength: vip.prefixLength });
  }
  outputs.push(transition(i, s.mode, 'STOP', 'shutdown'));
  return { state: { ...s, mode: 'STOP', deadline: undefined }, outputs };
}

function transition(i: VrrpInstanceConfig, from: FakeState['mode'] | 'INIT', to: FakeState['mode'], reason: string): VrrpOutput {
  return { kind: 'transitioned', instance: i.name, from, to, priority: i.priority, cause: { code: 'startup' }, reason };
}

function advert(s: FakeState, i: VrrpInstanceConfig, priority: number): VrrpOutput {
  const source = s.config.interfaces.find((f) => f.name === i.interface)?.address ?? '0.0.0.0';
  const bytes = vrrpV2Datagram({
    source,
    destination: '224.0.0.18',
    ipId: s.ipId,
    vrid: i.vrid,
    priority,
    adverIntS: i.advertIntUs / 1_000_000,
    addresses: i.virtualAddresses.map((v) => v.address),
  });
  return { kind: 'send-advertisement', instance: i.name, interface: i.interface, destination: '224.0.0.18', priority, bytes };
}

/** A VRRPv2 advertisement in an IPv4 datagram, laid out as keepalived sends it (RFC 3768 §5.1, §5.3). */
export function vrrpV2Datagram(p: {
  source: string;
  destination: string;
  ipId: number;
  vrid: number;
  priority: number;
  adverIntS: number;
  addresses: readonly string[];
}): Uint8Array {
  const vrrpLength = 8 + 4 * p.addresses.length + 8;
  const out = new Uint8Array(20 + vrrpLength);
  out[0] = 0x45;
  out[1] = 0xc0;
  out[2] = (out.length >> 8) & 255;
  out[3] = out.length & 255;
  out[4] = (p.ipId >> 8) & 255;
  out[5] = p.ipId & 255;
  out[8] = 255; // TTL, RFC 3768 §5.2.3
  out[9] = 112;
  writeIpv4(out, 12, p.source);
  writeIpv4(out, 16, p.destination);
  writeChecksum(out, 0, 20, 10);
  const v = 20;
  out[v] = 0x21;
  out[v + 1] = p.vrid;
  out[v + 2] = p.priority;
  out[v + 3] = p.addresses.length;
  out[v + 4] = 0;
  out[v + 5] = p.adverIntS;
  p.addresses.forEach((a, k) => writeIpv4(out, v + 8 + 4 * k, a));
  writeChecksum(out, v, vrrpLength, v + 6);
  return out;
}

function writeChecksum(buf: Uint8Array, start: number, length: number, at: number): void {
  let sum = 0;
  for (let k = 0; k < length; k += 2) sum += ((buf[start + k] ?? 0) << 8) | (buf[start + k + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  buf[at] = c >> 8;
  buf[at + 1] = c & 255;
}
