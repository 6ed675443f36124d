/**
 * From the parsed tree to the located model, with corosync's own refusals.
 *
 * Theory of operation: corosync stores every item it reads in its cmap under the
 * dotted path of its sections (`quorum.device.net.algorithm`). A few paths are
 * typed when read (exec/coroparse.c): integers out of range or not integers make
 * corosync refuse the file with "Value of key ... is expected to be integer in
 * range ...". Every other key, known or not, is kept as a string; corosync never
 * complains about a key it does not know — it simply never reads it. We report
 * such keys as warnings, because a misspelt `two_nodes` silently does nothing.
 *
 * Rules: a later item with the same path wins (cmap overwrite), reported as a
 * warning; each `nodelist { node { } }` is one node.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { CsItem, CsPos, CsSection } from './parse.js';
import type { CorosyncConf, CorosyncDevice, CorosyncInterface, CorosyncNode, CorosyncQuorum, CorosyncTotem, Located } from './model.js';

type Kind = 'u8' | 'u32' | 'str' | 'section';
type Schema = Readonly<Record<string, Kind>>;

const TOTEM: Schema = {
  version: 'u32', nodeid: 'u32', threads: 'u32', token: 'u32', token_coefficient: 'u32', token_retransmit: 'u32', token_warning: 'u32',
  hold: 'u32', token_retransmits_before_loss_const: 'u32', join: 'u32', send_join: 'u32', consensus: 'u32', merge: 'u32',
  downcheck: 'u32', fail_recv_const: 'u32', seqno_unchanged_const: 'u32', heartbeat_failures_allowed: 'u32',
  max_network_delay: 'u32', window_size: 'u32', max_messages: 'u32', miss_count_const: 'u32', knet_pmtud_interval: 'u32',
  knet_mtu: 'u32', knet_compression_threshold: 'u32', netmtu: 'u32', cluster_name: 'str', transport: 'str',
  crypto_cipher: 'str', crypto_hash: 'str', crypto_model: 'str', secauth: 'str', config_version: 'str', ip_version: 'str',
  ip_dscp: 'str', link_mode: 'str', keyfile: 'str', key: 'str', clear_node_high_bit: 'str', rrp_mode: 'str', vsftype: 'str',
  knet_compression_model: 'str', knet_compression_level: 'str', block_unlisted_ips: 'str', cancel_token_hold_on_retransmit: 'str',
  interface: 'section',
};
const INTERFACE: Schema = {
  linknumber: 'u8', ringnumber: 'u8', bindnetaddr: 'str', mcastaddr: 'str', broadcast: 'str', mcastport: 'u32', ttl: 'u8',
  knet_link_priority: 'u8', knet_ping_interval: 'u32', knet_ping_timeout: 'u32', knet_ping_precision: 'u32',
  knet_pong_count: 'u32', knet_transport: 'str', member: 'section',
};
const QUORUM: Schema = {
  provider: 'str', expected_votes: 'u32', votes: 'u32', last_man_standing_window: 'u32', leaving_timeout: 'u32',
  two_node: 'u8', expected_votes_tracking: 'u8', allow_downscale: 'u8', wait_for_all: 'u8', auto_tie_breaker: 'u8',
  last_man_standing: 'u8', auto_tie_breaker_node: 'str', device: 'section',
};
const DEVICE: Schema = { model: 'str', votes: 'u32', timeout: 'u32', sync_timeout: 'u32', master_wins: 'u8', net: 'section', heuristics: 'section' };
const NET: Schema = {
  host: 'str', port: 'str', algorithm: 'str', tie_breaker: 'str', tls: 'str', connect_timeout: 'str', force_ip_version: 'str',
  keep_active_partition_tie_breaker: 'str',
};
const NODE: Schema = {
  nodeid: 'u32', quorum_votes: 'u32', name: 'str',
  ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`ring${i}_addr`, 'str' as const])),
};
/** Sections whose content we do not model; their keys are not checked one by one. */
const OPAQUE_TOP = new Set(['logging', 'system', 'resources', 'uidgid', 'nozzle', 'qb']);
const KNOWN_TOP = new Set(['totem', 'quorum', 'nodelist', ...OPAQUE_TOP]);

const RANGE: Record<'u8' | 'u32', number> = { u8: 255, u32: 4294967295 };

class Builder {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  report(at: CsPos, code: string, severity: Diagnostic['severity'], message: string, hint?: string): void {
    this.diagnostics.push({ code, severity, message, file: this.file, line: at.line, column: at.column, ...(hint ? { hint } : {}) });
  }

  here(at: CsPos): Located<true> {
    return { value: true, line: at.line, column: at.column };
  }

  /** The items of one section, typed by `schema`; unknown keys and sections warned about. */
  fields(section: CsSection, path: string, schema: Schema): Map<string, Located<string | number>> {
    const out = new Map<string, Located<string | number>>();
    for (const child of section.children) {
      const kind = schema[child.kind === 'item' ? child.key : child.name];
      if (child.kind === 'section') {
        if (kind !== 'section' && !(path === 'quorum.device.heuristics')) this.unknown(child.at, `${path}.${child.name}`, 'section');
        continue;
      }
      if (kind === undefined || kind === 'section') {
        if (!(path === 'quorum.device.heuristics')) this.unknown(child.at, `${path}.${child.key}`, 'key');
        continue;
      }
      const value = this.typed(child, path, kind);
      if (value === undefined) continue;
      if (out.has(child.key)) this.report(child.at, 'duplicate-key', 'warning', `'${path}.${child.key}' is set again; corosync keeps this later value`);
      out.set(child.key, value);
    }
    return out;
  }

  typed(item: CsItem, path: string, kind: 'u8' | 'u32' | 'str'): Located<string | number> | undefined {
    const at = item.valueAt;
    if (kind === 'str') return { value: item.value, line: at.line, column: at.column };
    const max = RANGE[kind];
    const n = /^[+-]?\d+$/.test(item.value) ? Number(item.value) : NaN;
    if (!Number.isSafeInteger(n) || n < 0 || n > max) {
      this.report(at, 'bad-integer', 'error', `Value of key "${path}.${item.key}" is expected to be integer in range (0..${max}), but "${item.value}" was given`,
        'corosync refuses to start with this file');
      return undefined;
    }
    return { value: n, line: at.line, column: at.column };
  }

  unknown(at: CsPos, path: string, what: 'key' | 'section'): void {
    this.report(at, `unknown-${what}`, 'warning', `corosync does not know the ${what} '${path}': it is stored in the cmap and never read`,
      'check the spelling against corosync.conf(5) and votequorum(5)');
  }
}

const num = (m: Map<string, Located<string | number>>, k: string): Located<number> | undefined => {
  const v = m.get(k);
  return v && typeof v.value === 'number' ? (v as Located<number>) : undefined;
};
const str = (m: Map<string, Located<string | number>>, k: string): Located<string> | undefined => {
  const v = m.get(k);
  return v && typeof v.value === 'string' ? (v as Located<string>) : undefined;
};
const sections = (s: CsSection | undefined, name: string): CsSection[] =>
  (s?.children ?? []).filter((c): c is CsSection => c.kind === 'section' && c.name === name);

function buildTotem(b: Builder, totems: CsSection[]): CorosyncTotem {
  const t = totems[totems.length - 1];
  if (!t) return { interfaces: [] };
  const f = b.fields(t, 'totem', TOTEM);
  const interfaces: CorosyncInterface[] = sections(t, 'interface').map((s) => {
    const i = b.fields(s, 'totem.interface', INTERFACE);
    return {
      at: b.here(s.at), ...opt('linknumber', num(i, 'linknumber')), ...opt('knetPingInterval', num(i, 'knet_ping_interval')),
      ...opt('knetPingTimeout', num(i, 'knet_ping_timeout')), ...opt('knetPongCount', num(i, 'knet_pong_count')),
    };
  });
  return {
    at: b.here(t.at), interfaces,
    ...opt('clusterName', str(f, 'cluster_name')), ...opt('transport', str(f, 'transport')), ...opt('version', num(f, 'version')),
    ...opt('token', num(f, 'token')), ...opt('tokenCoefficient', num(f, 'token_coefficient')), ...opt('consensus', num(f, 'consensus')),
    ...opt('join', num(f, 'join')), ...opt('tokenRetransmitsBeforeLossConst', num(f, 'token_retransmits_before_loss_const')),
  };
}

function buildDevice(b: Builder, d: CsSection | undefined): CorosyncDevice | undefined {
  if (!d) return undefined;
  const f = b.fields(d, 'quorum.device', DEVICE);
  const netSection = sections(d, 'net').at(-1);
  const n = netSection ? b.fields(netSection, 'quorum.device.net', NET) : undefined;
  for (const h of sections(d, 'heuristics')) b.fields(h, 'quorum.device.heuristics', {});
  return {
    at: b.here(d.at),
    ...opt('model', str(f, 'model')), ...opt('votes', num(f, 'votes')), ...opt('timeout', num(f, 'timeout')),
    ...opt('syncTimeout', num(f, 'sync_timeout')), ...opt('masterWins', num(f, 'master_wins')),
    ...(netSection && n
      ? { net: { at: b.here(netSection.at), ...opt('host', str(n, 'host')), ...opt('algorithm', str(n, 'algorithm')), ...opt('tieBreaker', str(n, 'tie_breaker')), ...opt('tls', str(n, 'tls')) } }
      : {}),
  };
}

function buildQuorum(b: Builder, quorums: CsSection[]): CorosyncQuorum {
  const q = quorums[quorums.length - 1];
  if (!q) return {};
  const f = b.fields(q, 'quorum', QUORUM);
  const device = buildDevice(b, sections(q, 'device').at(-1));
  return {
    at: b.here(q.at),
    ...opt('provider', str(f, 'provider')), ...opt('expectedVotes', num(f, 'expected_votes')), ...opt('twoNode', num(f, 'two_node')),
    ...opt('waitForAll', num(f, 'wait_for_all')), ...opt('lastManStanding', num(f, 'last_man_standing')),
    ...opt('lastManStandingWindow', num(f, 'last_man_standing_window')), ...opt('autoTieBreaker', num(f, 'auto_tie_breaker')),
    ...opt('autoTieBreakerNode', str(f, 'auto_tie_breaker_node')), ...opt('allowDownscale', num(f, 'allow_downscale')),
    ...opt('expectedVotesTracking', num(f, 'expected_votes_tracking')), ...opt('device', device),
  };
}

function buildNodes(b: Builder, nodelist: CsSection | undefined): CorosyncNode[] {
  if (!nodelist) return [];
  for (const c of nodelist.children) {
    if (c.kind === 'item') b.unknown(c.at, `nodelist.${c.key}`, 'key');
    else if (c.name !== 'node') b.unknown(c.at, `nodelist.${c.name}`, 'section');
  }
  return sections(nodelist, 'node').map((s) => {
    const f = b.fields(s, 'nodelist.node', NODE);
    return {
      at: b.here(s.at),
      ...opt('nodeid', num(f, 'nodeid')), ...opt('name', str(f, 'name')), ...opt('ring0Addr', str(f, 'ring0_addr')),
      ...opt('quorumVotes', num(f, 'quorum_votes')),
    };
  });
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

export function buildCorosyncConf(root: CsSection, file: string): { conf: CorosyncConf; diagnostics: Diagnostic[] } {
  const b = new Builder(file);
  for (const c of root.children) {
    if (c.kind === 'item') b.unknown(c.at, c.key, 'key');
    else if (!KNOWN_TOP.has(c.name)) b.unknown(c.at, c.name, 'section');
  }
  for (const name of ['totem', 'quorum', 'nodelist']) {
    const all = sections(root, name);
    for (const extra of all.slice(0, -1)) b.report(extra.at, 'duplicate-section', 'warning', `a later '${name}' section follows; corosync merges both, later keys winning`);
  }
  const nodelist = sections(root, 'nodelist').at(-1);
  const conf: CorosyncConf = {
    file,
    totem: buildTotem(b, sections(root, 'totem')),
    quorum: buildQuorum(b, sections(root, 'quorum')),
    nodes: sections(root, 'nodelist').flatMap((s) => buildNodes(b, s)),
    ...(nodelist ? { nodelist: b.here(nodelist.at) } : {}),
  };
  return { conf, diagnostics: b.diagnostics };
}
