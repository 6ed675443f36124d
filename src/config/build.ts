/**
 * Builds the typed model from the syntax tree, top-level block by block, in
 * file order (keepalived's handlers run in that order, and some checks — a
 * track_script must name a vrrp_script defined above it — depend on it).
 */
import type { BfdInstance, Draft, GlobalDefs, KeepalivedConfig, TrackFile, TrackGroup, TrackProcess, UnknownKeyword, VrrpScript } from './model.js';
import { interfaceExists, needArg, rawOf, report, timerToken, unsignedArg, valueOf, type BuildContext } from './build-context.js';
import { applyGlobalDefs, newGlobalDefs, ROOT_GLOBAL_HANDLERS } from './build-global.js';
import { buildIpAddress, buildRoute, buildRule } from './build-address.js';
import { applyVirtualServer, buildVirtualServerGroup, newVirtualServer } from './build-lvs.js';
import {
  applyHandlers, closeGarpGroup, closeInstance, closeScript, closeTrackFile, GARP_GROUP_HANDLERS, INSTANCE_HANDLERS,
  newInstance, newSyncGroup, SCRIPT_HANDLERS, SYNC_GROUP_HANDLERS, TRACK_FILE_HANDLERS, TRACK_PROCESS_HANDLERS,
  trackGroupMembers, type VrrpScope,
} from './build-vrrp.js';
import type { BlockNode, Statement } from './parser.js';
import type { Loc } from './source.js';

type Model = Draft<KeepalivedConfig>;
type RootHandler = (m: Model, stmt: Statement, ctx: BuildContext, scope: VrrpScope) => void;

/** Top-level settings keepalived takes once (net_namespace, instance, …); later ones are ignored. */
const ROOT_SETTINGS_SEEN = new WeakMap<object, Set<string>>();
function rootSingleton(what: string, nameRequired: boolean): RootHandler {
  return (m, stmt, ctx) => {
    m.rootStatements.push(rawOf(stmt));
    if (nameRequired && stmt.args.length === 0) {
      report(ctx, 'option-missing-value', 'error', stmt.loc, `${what} without a name: keepalived ignores it`);
      return;
    }
    const seen = ROOT_SETTINGS_SEEN.get(m) ?? new Set<string>();
    ROOT_SETTINGS_SEEN.set(m, seen);
    if (seen.has(stmt.keyword.text)) report(ctx, 'option-duplicate', 'error', stmt.loc, `${what} given twice: keepalived ignores this one`);
    seen.add(stmt.keyword.text);
  };
}

const ROOT_HANDLERS: Readonly<Record<string, RootHandler>> = {
  net_namespace: rootSingleton('net_namespace', true),
  net_namespace_ipvs: rootSingleton('net_namespace_ipvs', false),
  instance: rootSingleton('instance', true),
  child_wait_time: (m, stmt, ctx) => {
    m.rootStatements.push(rawOf(stmt));
    ROOT_GLOBAL_HANDLERS.child_wait_time?.(m.globalDefs as ReturnType<typeof newGlobalDefs>, stmt, ctx);
  },
  global_defs: (m, stmt, ctx) => applyGlobalDefs(m.globalDefs as ReturnType<typeof newGlobalDefs>, stmt, ctx),
  vrrp_instance: (m, stmt, ctx, scope) => {
    const name = stmt.args[0];
    if (!name || stmt.skipped) return;
    const inst = newInstance(name.text, stmt);
    if (stmt.block?.end) inst.end = stmt.block.end;
    applyHandlers(inst, stmt.block, INSTANCE_HANDLERS, ctx, scope);
    if (stmt.block) closeInstance(inst, ctx, stmt.block);
    m.vrrpInstances.push(inst);
  },
  vrrp_script: (m, stmt, ctx, scope) => {
    const name = needArg(ctx, stmt, 1);
    if (!name) return;
    const s: Draft<VrrpScript> = { name: name.text, loc: stmt.loc, statements: [] };
    if (stmt.block?.end) s.end = stmt.block.end;
    applyHandlers(s, stmt.block, SCRIPT_HANDLERS, ctx, scope);
    const kept = stmt.block ? closeScript(s, ctx, stmt.block, m.globalDefs) : true;
    if (kept) scope.scripts.push(s);
    else s.effective = { intervalS: 1, timeoutS: 1, weight: 0, reverse: false, rise: 1, fall: 1, removed: true };
    m.vrrpScripts.push(s);
  },
  track_file: trackFile,
  vrrp_track_file: trackFile,
  vrrp_track_process: (m, stmt, ctx, scope) => {
    const name = needArg(ctx, stmt, 1);
    if (!name) return;
    const p: Draft<TrackProcess> = { name: name.text, loc: stmt.loc, statements: [] };
    if (stmt.block?.end) p.end = stmt.block.end;
    applyHandlers(p, stmt.block, TRACK_PROCESS_HANDLERS, ctx, scope);
    if (stmt.block && !stmt.block.endedBySkip && !p.process) {
      report(ctx, 'track-process-no-process', 'error', stmt.block.end ?? stmt.loc, `vrrp_track_process ${p.name} has no process: keepalived removes it`);
    } else scope.trackProcesses.push(p);
    m.trackProcesses.push(p);
  },
  vrrp_sync_group: (m, stmt, ctx, scope) => {
    const name = stmt.args[0];
    if (!name || stmt.skipped) return;
    const g = newSyncGroup(name.text, stmt);
    if (stmt.block?.end) g.end = stmt.block.end;
    applyHandlers(g, stmt.block, SYNC_GROUP_HANDLERS, ctx, scope);
    m.syncGroups.push(g);
  },
  garp_group: (m, stmt, ctx, scope) => {
    const g = { loc: stmt.loc, statements: [], interfaces: [] } as Draft<KeepalivedConfig['garpGroups'][number]>;
    if (stmt.block?.end) g.end = stmt.block.end;
    applyHandlers(g, stmt.block, GARP_GROUP_HANDLERS, ctx, scope);
    if (stmt.block) closeGarpGroup(g, ctx, stmt.block);
    m.garpGroups.push(g);
  },
  track_group: (m, stmt, ctx, scope) => {
    const name = stmt.args[0];
    if (!name || stmt.skipped) return;
    const g: Draft<TrackGroup> = { name: name.text, loc: stmt.loc, statements: [], members: [] };
    for (const s of stmt.block?.statements ?? []) {
      g.statements.push(rawOf(s));
      if (s.known && !s.skipped && s.keyword.text === 'group') trackGroupMembers(g, s, ctx);
    }
    scope.trackGroups.push(g);
    m.trackGroups.push(g);
  },
  static_ipaddress: (m, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const ip = buildIpAddress(ctx, item, true);
      if (ip) m.staticAddresses.push(ip);
    }
  },
  static_routes: (m, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const r = buildRoute(ctx, item, true);
      if (r) m.staticRoutes.push(r);
    }
  },
  static_rules: (m, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const r = buildRule(ctx, item, true);
      if (r) m.staticRules.push(r);
    }
  },
  linkbeat_interfaces: (_m, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const [name, type] = item.tokens;
      if (!name) continue;
      if (interfaceExists(ctx, name.text, name.loc, 'linkbeat_interfaces') === false) {
        report(ctx, 'interface-missing', 'error', name.loc, `unknown interface ${name.text} for linkbeat_interfaces: keepalived refuses to start`);
        continue;
      }
      if (type && (!['MII', 'ETHTOOL', 'IOCTL'].includes(type.text) || item.tokens.length > 2)) {
        report(ctx, 'option-invalid', 'error', type.loc, `extra words '${type.text}' in linkbeat_interfaces: the type is MII, ETHTOOL or IOCTL`);
      }
    }
  },
  interface_up_down_delays: (_m, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const [name, up, down] = item.tokens;
      if (!name) continue;
      if (interfaceExists(ctx, name.text, name.loc, 'interface_up_down_delays') === false) {
        report(ctx, 'interface-missing', 'error', name.loc, `unknown interface ${name.text} in interface_up_down_delays: keepalived ignores the line`);
        continue;
      }
      if (!up) report(ctx, 'option-missing-value', 'warning', name.loc, `no delays given for ${name.text}: keepalived ignores the line`);
      for (const t of [up, down]) if (t) timerToken(ctx, t, 'up/down delay', 0, 255 * 1_000_000, { code: 'option-invalid' });
    }
  },
  virtual_server_group: (m, stmt, ctx) => {
    const g = buildVirtualServerGroup(stmt, ctx);
    if (g) m.virtualServerGroups.push(g);
  },
  virtual_server: (m, stmt, ctx) => {
    if (stmt.skipped) return;
    const vs = newVirtualServer(stmt, ctx);
    if (!vs) return;
    if (stmt.block?.end) vs.end = stmt.block.end;
    applyVirtualServer(vs, stmt.block, ctx);
    m.virtualServers.push(vs);
  },
  bfd_instance: (m, stmt, ctx, scope) => {
    const name = needArg(ctx, stmt, 1);
    if (!name) return;
    scope.bfds.push(name.text);
    const b: Draft<BfdInstance> = { name: name.text, loc: stmt.loc, statements: [] };
    for (const s of stmt.block?.statements ?? []) {
      b.statements.push(rawOf(s));
      if (!s.known) continue;
      bfdStatement(b, s, ctx);
    }
    m.bfdInstances.push(b);
  },
};

function trackFile(m: Model, stmt: Statement, ctx: BuildContext, scope: VrrpScope): void {
  const deprecated = stmt.keyword.text === 'vrrp_track_file';
  if (deprecated) report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'vrrp_track_file is deprecated: use track_file');
  const name = needArg(ctx, stmt, 1);
  if (!name) return;
  const f: Draft<TrackFile> = { name: name.text, loc: stmt.loc, statements: [], deprecatedKeyword: deprecated };
  if (stmt.block?.end) f.end = stmt.block.end;
  applyHandlers(f, stmt.block, TRACK_FILE_HANDLERS, ctx, scope);
  if (stmt.block) closeTrackFile(f, ctx, stmt.block);
  scope.trackFiles.push(f);
  m.trackFiles.push(f);
}

function bfdStatement(b: Draft<BfdInstance>, s: Statement, ctx: BuildContext): void {
  const ms = (min: number, max: number) => unsignedArg(ctx, s, 1, min, max, { code: 'bfd-option-invalid' });
  switch (s.keyword.text) {
    case 'neighbor_ip':
    case 'neighbour_ip': {
      const t = needArg(ctx, s, 1);
      if (t) b.neighborIp = valueOf(t.text, t.loc);
      break;
    }
    case 'source_ip': {
      const t = needArg(ctx, s, 1);
      if (t) b.sourceIp = valueOf(t.text, t.loc);
      break;
    }
    case 'min_rx': { const v = ms(1, 1000); if (v) b.minRxMs = v; break; }
    case 'min_tx': { const v = ms(1, 1000); if (v) b.minTxMs = v; break; }
    case 'idle_tx': { const v = ms(1, 1000); if (v) b.idleTxMs = v; break; }
    case 'multiplier': { const v = ms(1, 255); if (v) b.multiplier = v; break; }
    case 'passive': b.passive = valueOf(true, s.loc); break;
    case 'ttl': case 'hoplimit': { const v = ms(1, 255); if (v) b.ttl = v; break; }
    case 'max_hops': { const v = ms(0, 255); if (v) b.maxHops = v; break; }
    case 'weight': { const v = unsignedArg(ctx, s, 1, 0, 253, { code: 'bfd-option-invalid' }); if (v) b.weight = v; break; }
    default: break;
  }
}

export function emptyModel(): Model {
  return {
    files: [], globalDefs: newGlobalDefs(), vrrpScripts: [], trackFiles: [], trackProcesses: [], vrrpInstances: [],
    syncGroups: [], garpGroups: [], trackGroups: [], staticAddresses: [], staticRoutes: [], staticRules: [],
    virtualServerGroups: [], virtualServers: [], bfdInstances: [], rootStatements: [], unknown: [],
  };
}

/**
 * Builds the model. `inherited` gives the global settings of another parse of
 * the same file (a keepalived child process inherits the parent's globals);
 * top-level statements the parse marked skipped are then left out.
 */
export function buildModel(root: BlockNode, ctx: BuildContext, inherited?: GlobalDefs): Model {
  const m = emptyModel();
  const scope: VrrpScope = { scripts: [], trackFiles: [], trackProcesses: [], trackGroups: [], bfds: [], declared: declarations(root) };
  if (inherited) m.globalDefs = inherited as Model['globalDefs'];
  else {
    // keepalived's parent reads global_defs before the VRRP and checker
    // processes read the rest, so global settings apply wherever they appear.
    for (const stmt of root.statements) {
      if (stmt.known && stmt.keyword.text === 'global_defs') ROOT_HANDLERS.global_defs?.(m, stmt, ctx, scope);
    }
    checkGlobalScriptUser(m, ctx);
  }
  ctx.dynamicInterfaces = m.globalDefs.dynamicInterfaces?.value ?? false;
  for (const stmt of root.statements) {
    if (!stmt.known || stmt.keyword.text === 'global_defs' || (inherited && stmt.skipped)) continue;
    const h = ROOT_HANDLERS[stmt.keyword.text];
    if (h) h(m, stmt, ctx, scope);
    else m.rootStatements.push(rawOf(stmt));
  }
  collectUnknown(root, m.unknown);
  return m;
}

/** Where each tracker is defined, to explain "not found" when the definition comes later. */
function declarations(root: BlockNode): Map<string, Loc> {
  const kinds: Readonly<Record<string, string>> = {
    vrrp_script: 'track_script', track_file: 'track_file', vrrp_track_file: 'track_file', vrrp_track_process: 'track_process', bfd_instance: 'track_bfd',
  };
  const out = new Map<string, Loc>();
  for (const s of root.statements) {
    const kind = kinds[s.keyword.text];
    const name = s.args[0];
    if (kind && name && !out.has(`${kind}:${name.text}`)) out.set(`${kind}:${name.text}`, s.loc);
  }
  return out;
}

function checkGlobalScriptUser(m: Model, ctx: BuildContext): void {
  const u = m.globalDefs.scriptUser;
  if (!u) return;
  const users = ctx.host?.users;
  if (!users) ctx.reporter.notChecked('script-user-exists', u.loc, `script_user '${u.value.user}' exists`, 'no host users given');
  else if (!users.includes(u.value.user)) {
    report(ctx, 'script-user-unknown', 'error', u.loc, `script_user '${u.value.user}' does not exist on the host: keepalived removes every vrrp_script without its own user`);
  }
}

function collectUnknown(block: BlockNode, out: UnknownKeyword[]): void {
  for (const s of block.statements) {
    if (!s.known) out.push({ keyword: s.keyword.text, args: s.args.map((a) => a.text), loc: s.loc, block: block.kind });
    if (s.block) collectUnknown(s.block, out);
  }
}
