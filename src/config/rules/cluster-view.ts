/**
 * The cluster view: what the cross-file, election and LVS rules need to know
 * about each node's config, with the values keepalived would actually use
 * (defaults applied, bad values already replaced as keepalived replaces them)
 * and where each was written.
 *
 * Theory of operation: the typed model (model.ts) describes one file in full;
 * this view keeps only the settings that decide how nodes interact, so the rules
 * stay small and read like the pitfalls they detect (research §6). It is built
 * from the model by `clusterNodeFromModel` (cluster-adapter.ts).
 */
import type { Loc } from '../source.js';

export interface Located<T> {
  readonly value: T;
  readonly at: Loc;
}

export interface TrackerView {
  readonly kind: 'script' | 'interface';
  readonly name: string;
  /** The weight keepalived applies (the instance override, else the script's own). */
  readonly weight: number;
  readonly reverse: boolean;
  /** The track_script / track_interface entry in the instance (or sync group). */
  readonly at: Loc;
}

export interface InstanceView {
  readonly name: string;
  readonly at: Loc;
  readonly interface?: Located<string>;
  readonly vrid?: Located<number>;
  /** `state` as keepalived reads it; absent when not written. */
  readonly state?: Located<'MASTER' | 'BACKUP'>;
  /** The base priority keepalived uses (100, or 255 for `state MASTER` without `priority`). */
  readonly priority: number;
  readonly priorityAt?: Loc;
  readonly nopreempt?: Loc;
  /** Seconds, as keepalived uses it (v2 rounds to whole seconds). */
  readonly advertInt: number;
  readonly advertIntAt?: Loc;
  readonly version: 2 | 3;
  readonly versionAt?: Loc;
  readonly auth?: { readonly type: 'PASS' | 'AH'; readonly password: string; readonly at: Loc; readonly passwordAt?: Loc };
  /** Canonical `address/prefix` strings in config order. */
  readonly vips: readonly Located<string>[];
  readonly vipsAt?: Loc;
  readonly unicastSrcIp?: Located<string>;
  readonly mcastSrcIp?: Located<string>;
  readonly unicastPeers: readonly Located<string>[];
  readonly unicastPeersAt?: Loc;
  /** Trackers that keepalived keeps (weighted ones dropped for owners and sync members already removed). */
  readonly trackers: readonly TrackerView[];
  readonly syncGroup?: string;
}

export interface CheckerView {
  readonly kind: string;
  readonly at: Loc;
  /** Seconds, after inheriting from the real and virtual server and keepalived's defaults. */
  readonly connectTimeout: number;
  readonly retry: number;
  readonly delayBeforeRetry: number;
  readonly delayLoop: number;
  /** MISC_CHECK misc_timeout (seconds), when set. */
  readonly miscTimeout?: number;
}

export interface RealServerView {
  readonly address: string;
  readonly port?: number;
  readonly at: Loc;
  readonly weight: number;
  readonly checkers: readonly CheckerView[];
}

export interface VirtualServerView {
  /** `192.0.2.80:80` (see hostPort), `fwmark 1`, `group web`. */
  readonly label: string;
  readonly at: Loc;
  readonly address?: string;
  readonly port?: number;
  readonly lbKind?: Located<'NAT' | 'DR' | 'TUN'>;
  readonly delayLoop: number;
  readonly quorum?: Located<number>;
  readonly sorryServer?: Located<{ readonly address: string; readonly port?: number }>;
  readonly realServers: readonly RealServerView[];
}

export interface ClusterNode {
  /** Short unique label, e.g. the file's base name without `.conf`. */
  readonly node: string;
  /** The file as the user named it. */
  readonly file: string;
  readonly instances: readonly InstanceView[];
  readonly virtualServers: readonly VirtualServerView[];
}

/** The advert source address when the config states it. */
export function sourceAddress(i: InstanceView): string | undefined {
  return i.unicastSrcIp?.value ?? i.mcastSrcIp?.value;
}

/** Instances that form one virtual router across nodes: same interface name and VRID. */
export function routerKey(i: InstanceView): string | undefined {
  if (i.vrid === undefined || i.interface === undefined) return undefined;
  return `${i.interface.value}\u0000${i.vrid.value}`;
}

/** keepalived compares only the first 8 bytes of auth_pass (research §2.9). */
export const AUTH_PASS_BYTES = 8;

export function authKey(password: string): string {
  const bytes = new TextEncoder().encode(password).slice(0, AUTH_PASS_BYTES);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `10.10.1.50:2811` (`[2001:db8::1]:80` for IPv6), as ipvsadm and the simulator write a service; the address alone without a port. */
export function hostPort(address: string, port?: number): string {
  if (port === undefined) return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
