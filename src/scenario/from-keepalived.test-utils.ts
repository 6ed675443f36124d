/** Hand-built keepalived models for mapping tests, independent of the parser. */
import type { IpAddress, KeepalivedConfig, Loc, RawStatement, SyncGroup, TrackRef, Value, VrrpInstance, VrrpScript } from '../config/model.js';

export const loc: Loc = { file: 't.conf', line: 1, column: 1 };
export const v = <T>(value: T): Value<T> => ({ value, loc });

export function vip(text: string, dev?: string): IpAddress {
  const [address, len] = text.split('/') as [string, string | undefined];
  return {
    text,
    address,
    family: address.includes(':') ? 'inet6' : 'inet',
    prefixLength: len === undefined ? 32 : Number(len),
    prefixWritten: len !== undefined,
    ...(dev ? { dev: v(dev) } : {}),
    noTrack: false,
    options: [],
    loc,
  };
}

export const ref = (name: string, weight?: number, reverse?: boolean): TrackRef => ({
  name,
  loc,
  ...(weight === undefined ? {} : { weight: v(weight) }),
  ...(reverse === undefined ? {} : { reverse: v(reverse) }),
});

export function instance(p: Partial<VrrpInstance> & { name: string }, statements: RawStatement[] = []): VrrpInstance {
  return {
    loc,
    statements,
    interface: v('eth0'),
    virtualRouterId: v(51),
    family: 'inet',
    virtualIpaddresses: [vip('192.0.2.100/24')],
    virtualIpaddressesExcluded: [],
    virtualRoutes: [],
    virtualRules: [],
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    trackBfds: [],
    unicastPeers: [],
    unicastConfigured: false,
    notify: {},
    ...p,
  };
}

export function script(name: string, p: Partial<VrrpScript> = {}): VrrpScript {
  return { loc, statements: [], name, script: v(`/bin/check ${name}`), ...p };
}

export function syncGroup(name: string, members: string[], p: Partial<SyncGroup> = {}): SyncGroup {
  return { loc, statements: [], name, members: members.map(v), trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackBfds: [], notify: {}, ...p };
}

export function model(p: Partial<KeepalivedConfig>): KeepalivedConfig {
  return {
    files: ['t.conf'],
    globalDefs: { notificationEmail: [], statements: [] },
    vrrpScripts: [],
    trackFiles: [],
    trackProcesses: [],
    vrrpInstances: [],
    syncGroups: [],
    garpGroups: [],
    trackGroups: [],
    staticAddresses: [],
    staticRoutes: [],
    staticRules: [],
    virtualServerGroups: [],
    virtualServers: [],
    bfdInstances: [],
    rootStatements: [],
    unknown: [],
    ...p,
  };
}

export const stateStatement = (word: string): RawStatement => ({ keyword: 'state', args: [v(word)], loc, known: true });
