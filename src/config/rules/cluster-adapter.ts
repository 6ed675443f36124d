/**
 * Builds the cluster view (cluster-view.ts) from one file's typed model.
 *
 * Theory of operation: the instance settings are keepalived's effective values
 * (what it runs with after defaults and its own corrections): the model's
 * `effective`, or the same function (`effectiveInstance`) when the checks that
 * fill it did not run — one reading, shared with the engine mapping. LVS
 * timing values are inherited as keepalived does (check_data.c): checker ←
 * real server ← virtual server ← the checker type's defaults.
 */
import { effectiveInstance, syncGroupTrackers, withGroupTrackers } from './vrrp-instances.js';
import type {
  Checker,
  EffectiveInstance,
  KeepalivedConfig,
  RawStatement,
  RealServer,
  TrackRef,
  VirtualServer,
  VrrpInstance,
  VrrpScript,
} from '../model.js';
import type { Loc } from '../source.js';
import { hostPort, type CheckerView, type ClusterNode, type InstanceView, type RealServerView, type TrackerView, type VirtualServerView } from './cluster-view.js';

const US_PER_S = 1_000_000;

/** keepalived's LVS defaults (check_parser.c, check_api.c, check_http.c, check_misc.c, check_dns.c). */
const VS_DELAY_LOOP_S = 60;
const VS_CONNECT_TIMEOUT_S = 5;
const DEFAULT_RETRY: Partial<Record<string, number>> = { MISC_CHECK: 0, DNS_CHECK: 3 };
const DEFAULT_DELAY_BEFORE_RETRY_S: Partial<Record<string, number | 'delay_loop'>> = {
  HTTP_GET: 3,
  SSL_GET: 3,
  DNS_CHECK: 'delay_loop',
};

export function clusterNodeFromModel(node: string, file: string, config: KeepalivedConfig): ClusterNode {
  return {
    node,
    file,
    instances: config.vrrpInstances.map((i) => instanceView(i, config)),
    virtualServers: config.virtualServers.map(virtualServerView),
  };
}

function statementLoc(block: { readonly statements: readonly RawStatement[] }, keyword: string): Loc | undefined {
  return block.statements.find((s) => s.keyword === keyword)?.loc;
}

function instanceView(i: VrrpInstance, config: KeepalivedConfig): InstanceView {
  // The one reading of keepalived's corrections: the validator's, or the same function for a model built without the checks.
  const syncGroup = i.effective?.syncGroup ?? config.syncGroups.find((g) => g.members.some((m) => m.value === i.name))?.name;
  const group = config.syncGroups.find((g) => g.name === syncGroup);
  const e = i.effective ?? effectiveInstance(i, config, group ? { name: group.name, trackingWeight: group.syncGroupTrackingWeight?.value ?? false } : undefined);
  const { version, priority } = e;
  const advertInt = e.advertIntUs / US_PER_S;
  const auth = i.authentication;
  const authType = e.auth.type === 'none' ? undefined : e.auth.type;
  return {
    name: i.name,
    at: i.loc,
    ...(i.interface ? { interface: { value: i.interface.value, at: i.interface.loc } } : {}),
    ...(i.virtualRouterId ? { vrid: { value: i.virtualRouterId.value, at: i.virtualRouterId.loc } } : {}),
    ...(i.state ? { state: { value: i.state.value, at: i.state.loc } } : {}),
    priority,
    ...(i.priority ? { priorityAt: i.priority.loc } : {}),
    ...(i.nopreempt?.value ? { nopreempt: i.nopreempt.loc } : {}),
    advertInt,
    ...(i.advertIntUs ? { advertIntAt: i.advertIntUs.loc } : {}),
    version,
    ...(i.version ? { versionAt: i.version.loc } : {}),
    ...(authType && auth
      ? { auth: { type: authType, password: auth.pass?.value ?? '', at: auth.loc, ...(auth.pass ? { passwordAt: auth.pass.loc } : {}) } }
      : {}),
    vips: i.virtualIpaddresses.map((a) => ({ value: `${a.address}/${a.prefixLength}`, at: a.loc })),
    ...optionalLoc('vipsAt', statementLoc(i, 'virtual_ipaddress')),
    ...(i.unicastSrcIp ? { unicastSrcIp: { value: i.unicastSrcIp.value, at: i.unicastSrcIp.loc } } : {}),
    ...(i.mcastSrcIp ? { mcastSrcIp: { value: i.mcastSrcIp.value, at: i.mcastSrcIp.loc } } : {}),
    unicastPeers: i.unicastPeers.map((p) => ({ value: p.address, at: p.loc })),
    ...optionalLoc('unicastPeersAt', statementLoc(i, 'unicast_peer')),
    trackers: trackersOf(i, e, config, syncGroup),
    ...(syncGroup ? { syncGroup } : {}),
  };
}

function optionalLoc<K extends string>(key: K, loc: Loc | undefined): Partial<Record<K, Loc>> {
  return loc ? ({ [key]: loc } as Record<K, Loc>) : {};
}

/**
 * The trackers keepalived keeps for this instance (research §2.10): the
 * instance's own (the model's effective list when present; otherwise weighted
 * ones are dropped for owners and sync-group members), plus the sync group's,
 * as `syncGroupTrackers` reads them (weights cleared when any member is an owner).
 * A track_script naming no (or a removed) vrrp_script is ignored, as keepalived does.
 */
function trackersOf(i: VrrpInstance, e: EffectiveInstance, config: KeepalivedConfig, syncGroup: string | undefined): TrackerView[] {
  const group = syncGroup ? config.syncGroups.find((g) => g.name === syncGroup) : undefined;
  const fromGroup = group ? syncGroupTrackers(group, config).filter((t) => t.kind === 'interface' || liveScript(config, t.name) !== undefined) : [];
  const all = withGroupTrackers(fromEffective(i, e, config), fromGroup, (t) => ({
    kind: t.kind, name: t.name, weight: t.weight, reverse: t.reverse,
    at: weightLoc(t.ref, t.kind === 'script' ? scriptNamed(config, t.name) : undefined) ?? t.ref.loc,
  }));
  // One variable per tracker: the same script tracked twice is still one script.
  const seen = new Set<string>();
  return all.filter((t) => !seen.has(`${t.kind}:${t.name}`) && seen.add(`${t.kind}:${t.name}`));
}

function fromEffective(i: VrrpInstance, e: EffectiveInstance, config: KeepalivedConfig): TrackerView[] {
  const scripts = e.trackScripts
    .filter((t) => liveScript(config, t.name) !== undefined)
    .map((t) => {
      const ref = i.trackScripts.find((r) => r.name === t.name);
      return { kind: 'script' as const, ...t, at: weightLoc(ref, scriptNamed(config, t.name)) ?? i.loc };
    });
  const interfaces = e.trackInterfaces.map((t) => {
    const ref = i.trackInterfaces.find((r) => r.name === t.name);
    return { kind: 'interface' as const, ...t, at: weightLoc(ref, undefined) ?? i.loc };
  });
  return [...scripts, ...interfaces];
}

/** The vrrp_script keepalived will run: defined, and not removed by its checks. */
function liveScript(config: KeepalivedConfig, name: string): VrrpScript | undefined {
  const s = scriptNamed(config, name);
  return s && !s.effective?.removed ? s : undefined;
}

function scriptNamed(config: KeepalivedConfig, name: string): VrrpScript | undefined {
  return config.vrrpScripts.find((s) => s.name === name);
}

/** Where the weight that applies was written: the override, else the script's own `weight`, else the track line. */
function weightLoc(ref: TrackRef | undefined, script: VrrpScript | undefined): Loc | undefined {
  return ref?.weight?.loc ?? script?.weight?.loc ?? ref?.loc;
}

// ------------------------------------------------------------------ LVS

/** A timer statement's value in seconds, read from the raw statements (the model has no typed field). */
function secondsStatement(block: { readonly statements: readonly RawStatement[] }, keyword: string): number | undefined {
  const s = [...block.statements].reverse().find((st) => st.keyword === keyword);
  const text = s?.args[0]?.value;
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function virtualServerView(vs: VirtualServer): VirtualServerView {
  const t = vs.target;
  const label = t.kind === 'address' ? hostPort(t.address, t.port) : t.kind === 'fwmark' ? `fwmark ${t.fwmark}` : `group ${t.group}`;
  const delayLoop = vs.delayLoopUs ? vs.delayLoopUs.value / US_PER_S : VS_DELAY_LOOP_S;
  const inherited: Inherited = {
    delayLoop,
    connectTimeout: secondsStatement(vs, 'connect_timeout') ?? VS_CONNECT_TIMEOUT_S,
    retry: secondsStatement(vs, 'retry'),
    delayBeforeRetry: secondsStatement(vs, 'delay_before_retry'),
  };
  return {
    label,
    at: vs.loc,
    ...(t.kind === 'address' ? { address: t.address, ...(t.port !== undefined ? { port: t.port } : {}) } : {}),
    ...(vs.lbKind ? { lbKind: { value: vs.lbKind.value, at: vs.lbKind.loc } } : {}),
    delayLoop,
    ...(vs.quorum ? { quorum: { value: vs.quorum.value, at: vs.quorum.loc } } : {}),
    ...(vs.sorryServer ? { sorryServer: { value: vs.sorryServer.value, at: vs.sorryServer.loc } } : {}),
    realServers: vs.realServers.map((rs) => realServerView(rs, inherited)),
  };
}

interface Inherited {
  readonly delayLoop: number;
  readonly connectTimeout: number;
  readonly retry: number | undefined;
  readonly delayBeforeRetry: number | undefined;
}

function realServerView(rs: RealServer, vs: Inherited): RealServerView {
  const mine: Inherited = {
    delayLoop: secondsStatement(rs, 'delay_loop') ?? vs.delayLoop,
    connectTimeout: secondsStatement(rs, 'connect_timeout') ?? vs.connectTimeout,
    retry: secondsStatement(rs, 'retry') ?? vs.retry,
    delayBeforeRetry: secondsStatement(rs, 'delay_before_retry') ?? vs.delayBeforeRetry,
  };
  return {
    address: rs.address,
    ...(rs.port !== undefined ? { port: rs.port } : {}),
    at: rs.loc,
    weight: rs.weight?.value ?? 1,
    checkers: rs.checkers.map((c) => checkerView(c, mine)),
  };
}

function checkerView(c: Checker, rs: Inherited): CheckerView {
  const delayLoop = c.delayLoopUs ? c.delayLoopUs.value / US_PER_S : rs.delayLoop;
  const defaultDbr = DEFAULT_DELAY_BEFORE_RETRY_S[c.type] ?? 1;
  return {
    kind: c.type,
    at: c.loc,
    connectTimeout: c.connectTimeoutUs ? c.connectTimeoutUs.value / US_PER_S : rs.connectTimeout,
    retry: c.retry?.value ?? rs.retry ?? DEFAULT_RETRY[c.type] ?? 1,
    delayBeforeRetry: c.delayBeforeRetryUs
      ? c.delayBeforeRetryUs.value / US_PER_S
      : (rs.delayBeforeRetry ?? (defaultDbr === 'delay_loop' ? delayLoop : defaultDbr)),
    delayLoop,
    ...(c.miscTimeoutS ? { miscTimeout: c.miscTimeoutS.value } : {}),
  };
}
