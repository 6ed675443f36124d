/**
 * The VRRP side of the model builder: vrrp_instance, vrrp_script, track_file,
 * vrrp_track_process, vrrp_sync_group, garp_group, track_group and the
 * static_* blocks (keepalived/vrrp/vrrp_parser.c, vrrp_data.c, vrrp_track.c,
 * trackers/track_file.c).
 *
 * Each keyword has one handler; a handler reads its arguments as keepalived's
 * does and reports on the same line keepalived would. Order matters exactly as
 * in keepalived: a track_script entry only finds vrrp_scripts defined above it.
 */
import type {
  Draft, GarpGroup, GlobalDefs, InstanceNotify, NotifyScript, SyncGroup, TrackFile, TrackGroup, TrackProcess, TrackRef,
  UnicastPeer, VrrpInstance, VrrpScript,
} from './model.js';
import {
  flagArg, interfaceExists, intToken, needArg, rawOf, report, setFlag, stringArg, timerArg, unsignedArg, userArg, valueOf,
  type BuildContext,
} from './build-context.js';
import { buildIpAddress, buildRoute, buildRule, IFNAMSIZ } from './build-address.js';
import { familyOf, isMulticast, parseAddress } from './ip.js';
import { readUnsigned } from './numbers.js';
import { tokenizeShell, type ShellWords } from './shell-words.js';
import type { BlockNode, Statement, ValueItem } from './parser.js';
import type { Loc, Token } from './source.js';

/** What the VRRP builders need from the rest of the model, in definition order. */
export interface VrrpScope {
  readonly scripts: VrrpScript[];
  readonly trackFiles: TrackFile[];
  readonly trackProcesses: TrackProcess[];
  readonly trackGroups: TrackGroup[];
  /** bfd_instance names defined so far. */
  readonly bfds: string[];
  /** Every vrrp_script / track_file / vrrp_track_process in the file, with its line (to explain "defined below"). */
  readonly declared?: ReadonlyMap<string, Loc>;
  /** global lvs_sync_daemon_interface seen (from an instance). */
  lvsSyncDaemonInterface?: string;
}

type Handler<T> = (target: T, stmt: Statement, ctx: BuildContext, scope: VrrpScope) => void;

const VRRP_PRIO_DFL = 100;
const TIMER_HZ = 1_000_000;

// ------------------------------------------------------------ notify scripts

/**
 * notify_script_init(): the raw line is re-read shell-style (both quote kinds,
 * escapes); word 1 is the command, words 2 and 3 an optional user and group.
 */
export function notifyScript(ctx: BuildContext, stmt: Statement): NotifyScript | undefined {
  const words = commandWords(ctx, stmt);
  if (!words) return undefined;
  const cmd = words.words[1];
  if (cmd === undefined) {
    needArg(ctx, stmt, 1);
    return undefined;
  }
  const user = words.words[2];
  const group = words.words[3];
  return { command: cmd, ...(user !== undefined ? { user } : {}), ...(group !== undefined ? { group } : {}), loc: stmt.args[0]?.loc ?? stmt.loc };
}

/**
 * The line re-read shell-style, and its word 1 (the command) split again the
 * same way, as keepalived does before running it. Undefined (reported) when
 * either has an unterminated quote: keepalived then has no command. `crashes`:
 * keepalived 2.2.7 -t dies of a segmentation fault on such a line (checked on the
 * real binary: vrrp_script's `script` and MISC_CHECK's `misc_path` do; the
 * notify scripts, router_id and a stray quote exit 5 normally).
 */
export function commandWords(ctx: BuildContext, stmt: Statement, options: { crashes?: boolean } = {}): { words: string[]; argv: string[] } | undefined {
  const line = tokenizeShell(stmt.text);
  const cmd = line.ok ? line.words[1] : undefined;
  const argv: ShellWords = cmd !== undefined ? tokenizeShell(cmd) : { ok: true, words: [] };
  const failed = !line.ok ? line : !argv.ok ? argv : undefined;
  if (failed && !failed.ok) {
    const crashes = options.crashes === true;
    ctx.reporter.report('unmatched-quote', 'error', stmt.args[0]?.loc ?? stmt.loc,
      `${failed.error}: keepalived ${crashes ? '2.2.7 -t crashes on this line (segmentation fault, exit status 139)' : `ignores the ${stmt.keyword.text} command`}`,
      { hint: 'quote the command with double quotes and balance any single quotes inside it', ...(crashes ? { data: { keepalivedCrashes: true } } : {}) });
    return undefined;
  }
  return { words: line.ok ? line.words : [], argv: argv.ok ? argv.words : [] };
}

function setNotify(slot: keyof InstanceNotify, label: string): Handler<{ name: string; notify: InstanceNotify }> {
  return (t, stmt, ctx) => {
    const notify = t.notify as Draft<InstanceNotify>;
    if (notify[slot]) {
      report(ctx, 'notify-duplicate', 'error', stmt.loc,
        `(${t.name}) ${label} already specified: keepalived ignores this one`);
      return;
    }
    const s = notifyScript(ctx, stmt);
    if (s) notify[slot] = s;
  };
}

// ------------------------------------------------------------ tracking lists

interface TrackOptions {
  readonly what: string;
  /** Weight range accepted on the tracking line. */
  readonly min: number;
  readonly max: number;
  /** keepalived turns ±254 into ±253 with a message (track_script, track_interface). */
  readonly clamp254: boolean;
  /** `noreverse` accepted besides `reverse`. */
  readonly noreverse: boolean;
}

/** The `NAME [weight W [reverse|noreverse]]` syntax shared by the track_* blocks. */
function trackRef(ctx: BuildContext, owner: string, item: ValueItem, o: TrackOptions): TrackRef | undefined {
  const [name, opt, w, rev] = item.tokens as [Token, Token?, Token?, Token?];
  if (!opt) return { name: name.text, loc: name.loc };
  if (opt.text !== 'weight') {
    report(ctx, 'track-option-unknown', 'error', opt.loc, `(${owner}) unknown ${o.what} option '${opt.text}': keepalived ignores this ${o.what} entry`,
      "the only option is 'weight N', separated by a space");
    return undefined;
  }
  if (!w) {
    report(ctx, 'track-weight-missing', 'error', opt.loc, `(${owner}) weight without a value for ${o.what} ${name.text}: keepalived ignores the entry`);
    return undefined;
  }
  let weight = intToken(ctx, w, `${o.what} ${name.text} weight`, o.min, o.max, {
    code: 'track-weight-invalid', consequence: 'keepalived ignores the weight',
  });
  if (weight && o.clamp254 && Math.abs(weight.value) === 254) {
    report(ctx, 'track-weight-254', 'error', w.loc, `(${owner}) weight for ${name.text} cannot be ±254: keepalived uses ±253`);
    weight = valueOf(weight.value > 0 ? 253 : -253, w.loc);
  }
  const ref: Draft<TrackRef> = { name: name.text, loc: name.loc, ...(weight ? { weight } : {}) };
  if (rev) {
    if (rev.text === 'reverse') ref.reverse = valueOf(true, rev.loc);
    else if (rev.text === 'noreverse' && o.noreverse) ref.reverse = valueOf(false, rev.loc);
    else report(ctx, 'track-option-unknown', 'error', rev.loc, `(${owner}) unknown ${o.what} weight option '${rev.text}': keepalived ignores it`);
  }
  return ref;
}

function trackList<T extends { name: string }>(
  list: (t: T) => TrackRef[],
  o: TrackOptions,
  lookup?: (name: string, scope: VrrpScope) => boolean,
  notFoundCode?: string,
): Handler<T> {
  return (t, stmt, ctx, scope) => {
    for (const item of stmt.values?.items ?? []) {
      const name = item.tokens[0];
      if (!name) continue;
      if (o.what === 'track_interface' && interfaceExists(ctx, name.text, name.loc, `track_interface of ${t.name}`) === false) {
        report(ctx, 'track-interface-missing', 'error', name.loc, `(${t.name}) tracked interface ${name.text} does not exist on the host: keepalived ignores it`);
        continue;
      }
      if (lookup && !lookup(name.text, scope)) {
        const def = scope.declared?.get(`${o.what}:${name.text}`);
        const below = def !== undefined && def.file === name.loc.file && def.line > name.loc.line;
        const where = below ? ` (it is defined later, at line ${def.line})` : '';
        report(ctx, notFoundCode ?? 'track-not-found', 'error', name.loc,
          `(${t.name}) ${o.what} '${name.text}' not found${where}: keepalived ignores it`,
          where ? 'move the definition above the block that tracks it: keepalived only sees definitions above' : 'check the name, or define it above this block');
        continue;
      }
      if (list(t).some((r) => r.name === name.text)) {
        report(ctx, 'track-duplicate', 'error', name.loc, `(${t.name}) duplicate ${o.what} ${name.text}: keepalived ignores it`);
        continue;
      }
      const ref = trackRef(ctx, t.name, item, o);
      if (ref) list(t).push(ref);
    }
  };
}

const TRACK_IF: TrackOptions = { what: 'track_interface', min: -254, max: 254, clamp254: true, noreverse: false };
const TRACK_SCRIPT: TrackOptions = { what: 'track_script', min: -254, max: 254, clamp254: true, noreverse: true };
const TRACK_FILE: TrackOptions = { what: 'track_file', min: -254, max: 254, clamp254: false, noreverse: true };
const TRACK_PROCESS: TrackOptions = { what: 'track_process', min: -254, max: 254, clamp254: false, noreverse: true };
const TRACK_BFD: TrackOptions = { what: 'track_bfd', min: -253, max: 253, clamp254: false, noreverse: true };

const scriptExists = (n: string, s: VrrpScope): boolean => s.scripts.some((x) => x.name === n);
const fileExists = (n: string, s: VrrpScope): boolean => s.trackFiles.some((x) => x.name === n);
const processExists = (n: string, s: VrrpScope): boolean => s.trackProcesses.some((x) => x.name === n);
const bfdExists = (n: string, s: VrrpScope): boolean => s.bfds.includes(n);

// ------------------------------------------------------------ vrrp_instance

type I = Draft<VrrpInstance>;

/** Instances whose interface keepalived could not find on the host (it then has none). */
const INTERFACE_MISSING = new WeakSet<object>();
const hasInterface = (inst: I): boolean => inst.interface !== undefined && !INTERFACE_MISSING.has(inst);

function setFamily(ctx: BuildContext, inst: I, family: 'inet' | 'inet6', loc: Loc, what: string): boolean {
  if (!inst.family) {
    inst.family = family;
    return true;
  }
  if (inst.family === family) return true;
  report(ctx, 'address-family-mismatch', 'error', loc, `(${inst.name}) ${what} is not of the instance's address family: keepalived ignores it`);
  return false;
}

function sourceAddress(field: 'mcastSrcIp' | 'unicastSrcIp'): Handler<I> {
  return (inst, stmt, ctx) => {
    if (field === 'unicastSrcIp') inst.unicastConfigured = true;
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const a = parseAddress(t.text.split(/[-/]/)[0] ?? '');
    if (!a || a.family !== familyOf(t.text)) {
      report(ctx, 'source-address-invalid', 'error', t.loc, `(${inst.name}) malformed source address '${t.text}': keepalived ignores it`);
      return;
    }
    if (!setFamily(ctx, inst, a.family, t.loc, `source address ${t.text}`)) return;
    inst[field] = valueOf(t.text, t.loc);
  };
}

function unicastPeers(inst: I, stmt: Statement, ctx: BuildContext): void {
  inst.unicastConfigured = true;
  for (const item of stmt.values?.items ?? []) {
    const [addr, ...opts] = item.tokens as [Token, ...Token[]];
    const a = parseAddress(addr.text.split(/[-/]/)[0] ?? '');
    if (!a || a.family !== familyOf(addr.text)) {
      report(ctx, 'unicast-peer-invalid', 'error', addr.loc, `(${inst.name}) malformed unicast peer address '${addr.text}': keepalived skips it`);
      continue;
    }
    if (!setFamily(ctx, inst, a.family, addr.loc, `unicast peer ${addr.text}`)) continue;
    const peer: Draft<UnicastPeer> = { address: addr.text, family: a.family, loc: addr.loc };
    for (let i = 0; i < opts.length; i += 2) {
      const k = opts[i] as Token;
      const v = opts[i + 1];
      if (!v) {
        report(ctx, 'unicast-peer-option', 'error', k.loc, `(${inst.name}) ${k.text} is missing a value`);
        break;
      }
      const r = readUnsigned(v.text, 0, 255);
      if (!r.ok) {
        report(ctx, 'number-invalid', 'error', v.loc, `(${inst.name}) unicast peer ${k.text}: '${v.text}' is not a TTL in [0, 255]`);
        continue;
      }
      if (k.text === 'min_ttl') peer.minTtl = valueOf(r.value, v.loc);
      else if (k.text === 'max_ttl') peer.maxTtl = valueOf(r.value, v.loc);
      else {
        report(ctx, 'unicast-peer-option', 'error', k.loc, `(${inst.name}) unknown unicast_peer option '${k.text}'`);
        break;
      }
    }
    const min = peer.minTtl?.value ?? 0;
    const max = peer.maxTtl?.value ?? 255;
    if (min > max) {
      report(ctx, 'unicast-peer-ttl-range', 'error', item.loc, `(${inst.name}) min_ttl ${min} > max_ttl ${max}: every packet from this peer will be discarded`);
    }
    inst.unicastPeers.push(peer);
  }
}

function vips(field: 'virtualIpaddresses' | 'virtualIpaddressesExcluded'): Handler<I> {
  return (inst, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const ip = buildIpAddress(ctx, item, false);
      if (!ip) continue;
      if (field === 'virtualIpaddresses' && !setFamily(ctx, inst, ip.family, ip.loc, `address ${ip.text}`)) continue;
      inst[field].push(ip);
    }
  };
}

function garpUnsigned(field: keyof I & string, keyword: string, min: number, max: number, zeroToOne = false): Handler<I> {
  return (inst, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, min, max, { code: 'garp-invalid', consequence: 'keepalived ignores it' });
    if (!v) return;
    if (zeroToOne && v.value === 0) {
      report(ctx, 'garp-repeat-zero', 'error', v.loc, `(${inst.name}) ${keyword} must be greater than 0: keepalived uses 1`);
      (inst as Record<string, unknown>)[field] = valueOf(1, v.loc);
      return;
    }
    (inst as Record<string, unknown>)[field] = v;
  };
}

function boolField(field: keyof I & string): Handler<I> {
  return (inst, stmt, ctx) => {
    const v = flagArg(ctx, stmt, { consequence: 'keepalived ignores the line' });
    if (v) (inst as Record<string, unknown>)[field] = v;
  };
}

function flagField(field: keyof I & string, unicast = false): Handler<I> {
  return (inst, stmt) => {
    (inst as Record<string, unknown>)[field] = setFlag(stmt);
    if (unicast) inst.unicastConfigured = true;
  };
}

export const INSTANCE_HANDLERS: Readonly<Record<string, Handler<I>>> = {
  state: (inst, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (t.text === 'MASTER') inst.state = valueOf('MASTER', t.loc);
    else if (t.text === 'BACKUP') {
      if (inst.state?.value === 'MASTER') {
        report(ctx, 'state-conflict', 'error', t.loc, `(${inst.name}) state was already set to MASTER: keepalived ignores BACKUP`);
      } else inst.state = valueOf('BACKUP', t.loc);
    } else {
      report(ctx, 'state-invalid', 'error', t.loc, `(${inst.name}) unknown state '${t.text}'; keepalived defaults to BACKUP`,
        'state is MASTER or BACKUP, in capitals');
      inst.state = valueOf('BACKUP', t.loc);
    }
  },
  interface: (inst, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (t.text.length >= IFNAMSIZ) {
      report(ctx, 'interface-name-too-long', 'error', t.loc, `interface name '${t.text}' is longer than ${IFNAMSIZ - 1} characters: keepalived ignores it`);
      return;
    }
    const exists = t.text === 'lo' ? true : interfaceExists(ctx, t.text, t.loc, `vrrp_instance ${inst.name}`);
    if (exists === false) {
      report(ctx, 'interface-missing', 'error', t.loc,
        `interface ${t.text} of vrrp_instance ${inst.name} does not exist on the host: keepalived refuses to start`,
        'fix the name, or set dynamic_interfaces in global_defs if the interface appears later');
      inst.interface = valueOf(t.text, t.loc);
      INTERFACE_MISSING.add(inst);
      return;
    }
    if (t.text === 'lo') {
      report(ctx, 'interface-loopback', 'error', t.loc, `(${inst.name}) a loopback interface cannot be used for VRRP: keepalived ignores it`);
      return;
    }
    inst.interface = valueOf(t.text, t.loc);
  },
  vrf: (inst, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (t.text.length >= IFNAMSIZ) {
      report(ctx, 'interface-name-too-long', 'error', t.loc, `(${inst.name}) VRF interface name '${t.text}' is too long: keepalived ignores it`);
    } else if (inst.interface) {
      report(ctx, 'vrf-with-interface', 'error', t.loc, `(${inst.name}) a VRF and an interface cannot both be given: keepalived ignores the VRF`);
    } else if (inst.vrf) {
      report(ctx, 'vrf-duplicate', 'error', t.loc, `(${inst.name}) VRF interface already given as '${inst.vrf.value}': keepalived ignores this one`);
    } else inst.vrf = valueOf(t.text, t.loc);
  },
  virtual_router_id: (inst, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 255, { code: 'vrid-invalid', consequence: `the instance has no VRID and keepalived refuses it` });
    if (v) inst.virtualRouterId = v;
  },
  priority: (inst, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 255, { code: 'priority-invalid', consequence: `keepalived uses the default priority ${VRRP_PRIO_DFL}` });
    const t = stmt.args[0];
    if (v) inst.priority = v;
    else if (t) inst.priority = valueOf(VRRP_PRIO_DFL, t.loc);
  },
  advert_int: (inst, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, TIMER_HZ / 100, 255 * TIMER_HZ, { code: 'advert-int-invalid', consequence: 'keepalived ignores it (default 1 s)' });
    if (v && v.value > 0) inst.advertIntUs = v;
  },
  version: (inst, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const v = intToken(ctx, t, 'version', 2, 3, { code: 'version-invalid', consequence: 'the version must be 2 or 3; keepalived ignores it' });
    if (!v) return;
    if ((inst.version && inst.version.value !== v.value) || (v.value === 2 && inst.family === 'inet6')) {
      report(ctx, 'version-conflict', 'error', t.loc, `(${inst.name}) version ${v.value} conflicts with the version already configured or deduced: keepalived ignores it`);
      return;
    }
    inst.version = valueOf(v.value as 2 | 3, v.loc);
  },
  nopreempt: (inst, stmt) => {
    inst.nopreempt = valueOf(true, stmt.loc);
  },
  preempt: (inst, stmt) => {
    inst.nopreempt = valueOf(false, stmt.loc);
  },
  preempt_delay: (inst, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 0, 1000 * TIMER_HZ, { code: 'preempt-delay-invalid', consequence: 'keepalived uses 0' });
    inst.preemptDelayUs = v ?? valueOf(0, stmt.loc);
  },
  debug: (inst, stmt, ctx) => {
    unsignedArg(ctx, stmt, 1, 0, 4, { code: 'debug-invalid', consequence: `(${inst.name}) keepalived ignores it` });
  },
  unicast_peer: unicastPeers,
  unicast_src_ip: sourceAddress('unicastSrcIp'),
  mcast_src_ip: sourceAddress('mcastSrcIp'),
  mcast_dst_ip: (inst, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const a = parseAddress(t.text.split(/[-/]/)[0] ?? '');
    if (!a || a.family !== familyOf(t.text)) {
      report(ctx, 'mcast-dst-invalid', 'error', t.loc, `(${inst.name}) malformed multicast destination '${t.text}': keepalived ignores it`);
      return;
    }
    if (!setFamily(ctx, inst, a.family, t.loc, `mcast_dst_ip ${t.text}`)) return;
    if (a.family === 'inet' ? !isMulticast(a) : !(isMulticast(a) && ((a.bytes[1] ?? 0) & 0x0f) === 2)) {
      report(ctx, 'mcast-dst-not-multicast', 'error', t.loc, `(${inst.name}) mcast_dst_ip ${t.text} is not a${a.family === 'inet6' ? ' link-local' : ''} multicast address: keepalived ignores it`);
      return;
    }
    inst.mcastDstIp = valueOf(t.text, t.loc);
  },
  unicast_ttl: (inst, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, 255, { code: 'unicast-ttl-invalid', consequence: 'keepalived ignores it' });
    if (v) inst.unicastTtl = v;
  },
  unicast_fault_no_peer: (inst, stmt) => {
    inst.unicastConfigured = true;
    inst.unicastFaultNoPeer = setFlag(stmt);
  },
  check_unicast_src: (inst, stmt) => {
    inst.unicastConfigured = true;
    inst.checkUnicastSrc = setFlag(stmt);
  },
  old_unicast_checksum: (inst, stmt, ctx) => {
    inst.unicastConfigured = true;
    const t = stmt.args[0];
    if (t && t.text !== 'never') report(ctx, 'option-invalid', 'error', t.loc, `(${inst.name}) unknown old_unicast_checksum mode '${t.text}': keepalived ignores it`);
  },
  native_ipv6: (inst, stmt, ctx) => {
    if (inst.family === 'inet') {
      report(ctx, 'native-ipv6-conflict', 'error', stmt.loc, `(${inst.name}) native_ipv6 cannot be used with IPv4 addresses: keepalived ignores it`);
      return;
    }
    inst.family = 'inet6';
    inst.version = valueOf(3, stmt.loc);
    inst.nativeIpv6 = setFlag(stmt);
  },
  dont_track_primary: flagField('dontTrackPrimary'),
  track_src_ip: flagField('trackSrcIp'),
  promote_secondaries: flagField('promoteSecondaries'),
  accept: (inst, stmt) => {
    inst.accept = setFlag(stmt);
  },
  no_accept: (inst, stmt) => {
    inst.noAccept = setFlag(stmt);
  },
  skip_check_adv_addr: boolField('skipCheckAdvAddr'),
  strict_mode: boolField('strictMode'),
  lower_prio_no_advert: boolField('lowerPrioNoAdvert'),
  higher_prio_send_advert: boolField('higherPrioSendAdvert'),
  smtp_alert: boolField('smtpAlert'),
  notify_priority_changes: boolField('notifyPriorityChanges'),
  linkbeat_use_polling: (inst, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, `(${inst.name}) linkbeat_use_polling in a vrrp_instance is deprecated: use a linkbeat_interfaces block`);
  },
  use_vmac: useVmac,
  use_vmac_addr: () => {},
  vmac_xmit_base: flagField('vmacXmitBase'),
  use_ipvlan: useIpvlan,
  lvs_sync_daemon_interface: (inst, stmt, ctx, scope) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc,
      `(${inst.name}) lvs_sync_daemon_interface in a vrrp_instance is deprecated: use lvs_sync_daemon in global_defs`);
    if (scope.lvsSyncDaemonInterface !== undefined) {
      report(ctx, 'lvs-sync-daemon-duplicate', 'error', stmt.loc,
        `(${inst.name}) lvs_sync_daemon_interface was already given as ${scope.lvsSyncDaemonInterface}: keepalived ignores this one`);
      return;
    }
    const v = stringArg(ctx, stmt);
    if (!v) return;
    scope.lvsSyncDaemonInterface = v.value;
    inst.lvsSyncDaemonInterface = v;
  },
  garp_master_delay: garpUnsigned('garpMasterDelayS', 'garp_master_delay', 0, Math.floor(4294967295 / TIMER_HZ)),
  garp_master_refresh: garpUnsigned('garpMasterRefreshS', 'garp_master_refresh', 0, 4294967295),
  garp_master_repeat: garpUnsigned('garpMasterRepeat', 'garp_master_repeat', 0, 4294967295, true),
  garp_master_refresh_repeat: garpUnsigned('garpMasterRefreshRepeat', 'garp_master_refresh_repeat', 0, 4294967295, true),
  garp_lower_prio_delay: garpUnsigned('garpLowerPrioDelayS', 'garp_lower_prio_delay', 0, Math.floor(4294967295 / TIMER_HZ)),
  garp_lower_prio_repeat: garpUnsigned('garpLowerPrioRepeat', 'garp_lower_prio_repeat', 0, 2147483647),
  down_timer_adverts: (inst, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 100, { code: 'down-timer-adverts-invalid', consequence: 'keepalived ignores it' });
    if (v) inst.downTimerAdverts = v;
  },
  garp_extra_if: garpExtraIf,
  vmac_garp_intvl: garpExtraIf,
  kernel_rx_buf_size: (inst, stmt, ctx) => {
    if (stmt.args.length !== 2 - 1) {
      report(ctx, 'option-invalid', 'error', stmt.loc, `(${inst.name}) invalid kernel_rx_buf_size: keepalived ignores it`);
      return;
    }
    unsignedArg(ctx, stmt, 1, 0, 4294967295, { code: 'option-invalid' });
  },
  notify_master: setNotify('master', 'notify_master script'),
  notify_backup: setNotify('backup', 'notify_backup script'),
  notify_fault: setNotify('fault', 'notify_fault script'),
  notify_stop: setNotify('stop', 'notify_stop script'),
  notify: setNotify('generic', 'notify script'),
  notify_master_rx_lower_pri: setNotify('masterRxLowerPri', 'notify_master_rx_lower_pri script'),
  notify_deleted: (inst, stmt, ctx) => {
    const notify = inst.notify as Draft<InstanceNotify>;
    if (notify.deleted) {
      report(ctx, 'notify-duplicate', 'error', stmt.loc, `(${inst.name}) notify_deleted already specified: keepalived ignores this one`);
      return;
    }
    const s = stmt.args.length > 0 ? notifyScript(ctx, stmt) : { command: '', loc: stmt.loc };
    if (s) notify.deleted = s;
  },
  track_interface: trackList<I>((t) => t.trackInterfaces, TRACK_IF),
  track_script: trackList<I>((t) => t.trackScripts, TRACK_SCRIPT, scriptExists, 'track-script-not-found'),
  track_file: trackList<I>((t) => t.trackFiles, TRACK_FILE, fileExists, 'track-file-not-found'),
  track_process: trackList<I>((t) => t.trackProcesses, TRACK_PROCESS, processExists, 'track-process-not-found'),
  track_bfd: trackList<I>((t) => t.trackBfds, TRACK_BFD, bfdExists, 'track-bfd-not-found'),
  virtual_ipaddress: vips('virtualIpaddresses'),
  virtual_ipaddress_excluded: vips('virtualIpaddressesExcluded'),
  virtual_routes: (inst, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const r = buildRoute(ctx, item, false);
      if (r) inst.virtualRoutes.push(r);
    }
  },
  virtual_rules: (inst, stmt, ctx) => {
    for (const item of stmt.values?.items ?? []) {
      const r = buildRule(ctx, item, false);
      if (r) inst.virtualRules.push(r);
    }
  },
  authentication: (inst, stmt, ctx) => {
    const auth: Draft<NonNullable<VrrpInstance['authentication']>> = { ...(inst.authentication ?? {}), loc: stmt.loc };
    for (const s of stmt.block?.statements ?? []) {
      if (!s.known) continue;
      if (s.keyword.text === 'auth_type') {
        const t = needArg(ctx, s, 1);
        if (!t) continue;
        if (t.text === 'PASS' || t.text === 'AH') auth.type = valueOf(t.text, t.loc);
        else report(ctx, 'auth-type-invalid', 'error', t.loc, `(${inst.name}) unknown authentication type '${t.text}': keepalived uses no authentication`, 'auth_type is PASS or AH');
      } else if (s.keyword.text === 'auth_pass') {
        const t = needArg(ctx, s, 1);
        if (!t) continue;
        if (utf8Length(t.text) > 8) {
          report(ctx, 'auth-pass-truncated', 'warning', t.loc,
            `auth_pass is longer than 8 characters: keepalived only uses '${truncateBytes(t.text, 8)}'`,
            'passwords that differ only after the 8th character are equal to keepalived');
        }
        auth.pass = valueOf(t.text, t.loc);
      }
    }
    inst.authentication = auth;
  },
};

/** use_vmac [NAME] [MAC] in either order (a word with ':' is the MAC). */
function useVmac(inst: I, stmt: Statement, ctx: BuildContext): void {
  let name = inst.useVmac?.value.name;
  let mac = inst.useVmac?.value.mac;
  for (const a of stmt.args.slice(0, 2)) {
    if (a.text.includes(':')) {
      if (mac !== undefined) {
        report(ctx, 'vmac-invalid', 'error', a.loc, 'VMAC address already given: keepalived ignores this one');
        continue;
      }
      const octets = a.text.split(':').filter((o, i, all) => !(i === all.length - 1 && o === ''));
      const valid = /^[0-9A-Fa-f:]+$/.test(a.text) && (octets.length === 6 || octets.length === 5) && octets.every((o) => /^[0-9A-Fa-f]{1,2}$/.test(o));
      const first = parseInt(octets[0] ?? '0', 16);
      if (!valid) report(ctx, 'vmac-invalid', 'error', a.loc, `invalid VMAC address '${a.text}': keepalived ignores it`);
      else if (first & 1) report(ctx, 'vmac-invalid', 'error', a.loc, `VMAC address '${a.text}' is multicast: keepalived ignores it`);
      else mac = a.text;
      continue;
    }
    if (name !== undefined) {
      report(ctx, 'vmac-invalid', 'error', a.loc, 'VMAC interface name already given: keepalived ignores this one');
      continue;
    }
    if (a.text.length >= IFNAMSIZ || a.text === '.' || a.text === '..' || /[/\s]/.test(a.text)) {
      report(ctx, 'vmac-invalid', 'error', a.loc, `VMAC interface name '${a.text}' is too long or has invalid characters: keepalived ignores it`);
      continue;
    }
    name = a.text;
  }
  inst.useVmac = valueOf({ ...(name !== undefined ? { name } : {}), ...(mac !== undefined ? { mac } : {}) }, stmt.loc);
}

/** use_ipvlan [NAME] [ADDRESS[/LEN]] [bridge|private|vepa], in any order. */
function useIpvlan(inst: I, stmt: Statement, ctx: BuildContext): void {
  if (inst.useIpvlan) {
    report(ctx, 'ipvlan-invalid', 'error', stmt.loc, `(${inst.name}) use_ipvlan already given: keepalived ignores this one`);
    return;
  }
  let name: string | undefined;
  let address: string | undefined;
  let mode: string | undefined;
  for (const a of stmt.args) {
    if (['bridge', 'private', 'vepa'].includes(a.text)) {
      if (mode) report(ctx, 'ipvlan-invalid', 'error', a.loc, `(${inst.name}) ipvlan type already given: keepalived ignores '${a.text}'`);
      else mode = a.text;
    } else if (parseAddress(a.text.split('/')[0] ?? '')) {
      if (address) report(ctx, 'ipvlan-invalid', 'error', a.loc, `(${inst.name}) ipvlan address already given: keepalived ignores '${a.text}'`);
      else if (setFamily(ctx, inst, familyOf(a.text), a.loc, `ipvlan address ${a.text}`)) address = a.text;
    } else if (name) report(ctx, 'ipvlan-invalid', 'error', a.loc, `(${inst.name}) ipvlan interface already given: keepalived ignores '${a.text}'`);
    else if (a.text.length >= IFNAMSIZ) report(ctx, 'ipvlan-invalid', 'error', a.loc, `(${inst.name}) ipvlan interface name '${a.text}' is too long: keepalived ignores it`);
    else name = a.text;
  }
  inst.useIpvlan = valueOf({ ...(name ? { name } : {}), ...(address ? { address } : {}), ...(mode ? { mode } : {}) }, stmt.loc);
}

function garpExtraIf(inst: I, stmt: Statement, ctx: BuildContext): void {
  if (stmt.keyword.text === 'vmac_garp_intvl') {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, "vmac_garp_intvl is deprecated: use garp_extra_if");
  }
  let delay: number | undefined;
  for (const a of stmt.args) {
    if (a.text === 'all') continue;
    const r = readUnsigned(a.text, 0, 86400);
    if (!r.ok) {
      report(ctx, 'garp-invalid', 'error', a.loc, `(${inst.name}) ${stmt.keyword.text} '${a.text}' is invalid: keepalived ignores the line`);
      return;
    }
    delay = r.value;
  }
  if (delay === undefined) {
    report(ctx, 'garp-invalid', 'error', stmt.loc, `(${inst.name}) ${stmt.keyword.text} given without a time: keepalived ignores it`);
  }
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** Truncates to at most `n` UTF-8 bytes (keepalived copies bytes). */
function truncateBytes(s: string, n: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = utf8Length(ch);
    if (bytes + b > n) break;
    out += ch;
    bytes += b;
  }
  return out;
}

export function newInstance(name: string, stmt: Statement): I {
  return {
    name, loc: stmt.loc, statements: [], virtualIpaddresses: [], virtualIpaddressesExcluded: [], virtualRoutes: [],
    virtualRules: [], trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackBfds: [],
    unicastPeers: [], unicastConfigured: false, notify: {},
  };
}

/** vrrp_end_handler: checks keepalived makes at the instance's closing brace. */
export function closeInstance(inst: I, ctx: BuildContext, block: BlockNode): void {
  const at = block.end ?? inst.loc;
  if (block.endedBySkip) return;
  if (inst.unicastConfigured && (inst.useVmac || inst.useIpvlan)) {
    if (!hasInterface(inst)) {
      report(ctx, 'vmac-unicast-no-interface', 'error', at, `(${inst.name}) VMAC/ipvlan with unicast needs an interface: keepalived clears use_vmac`);
    } else if (!inst.vmacXmitBase && inst.useVmac) {
      report(ctx, 'vmac-unicast-xmit-base', 'error', at, `(${inst.name}) unicast with use_vmac requires vmac_xmit_base: keepalived sets it`);
    }
  }
  if (inst.unicastPeers.length === 0 && inst.unicastTtl) {
    report(ctx, 'unicast-ttl-without-peers', 'error', at, `(${inst.name}) unicast_ttl needs unicast peers: keepalived resets it`);
  }
}

// ------------------------------------------------------------ vrrp_script

type S = Draft<VrrpScript>;

export const SCRIPT_HANDLERS: Readonly<Record<string, Handler<S>>> = {
  script: (s, stmt, ctx) => {
    const words = commandWords(ctx, stmt, { crashes: true });
    if (!words) return;
    const cmd = words.words[1];
    if (cmd === undefined || cmd === '') return;
    if (words.words.length > 2) {
      report(ctx, 'script-extra-words', 'warning', stmt.args[1]?.loc ?? stmt.loc,
        `keepalived runs only '${cmd}': the words after it are dropped`,
        'quote the whole command, e.g. script "/usr/bin/killall -0 haproxy"');
    }
    s.script = valueOf(cmd, stmt.args[0]?.loc ?? stmt.loc);
  },
  interval: (s, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, Math.floor(4294967295 / TIMER_HZ), {
      code: 'script-interval-invalid', consequence: `(${s.name}) keepalived ignores it (default 1 s)`,
    });
    if (!v) return;
    if (v.value === 0) report(ctx, 'script-interval-zero', 'error', v.loc, `(${s.name}) script interval must be greater than 0: keepalived uses 1`);
    s.intervalS = valueOf(Math.max(1, v.value), v.loc);
  },
  timeout: (s, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, Math.floor(4294967295 / TIMER_HZ), {
      code: 'script-timeout-invalid', consequence: `(${s.name}) keepalived ignores it`,
    });
    if (!v) return;
    if (v.value === 0) report(ctx, 'script-timeout-zero', 'error', v.loc, `(${s.name}) script timeout must be greater than 0: keepalived uses 1`);
    s.timeoutS = valueOf(Math.max(1, v.value), v.loc);
  },
  weight: (s, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const v = intToken(ctx, t, `vrrp_script ${s.name} weight`, -253, 253, { code: 'script-weight-invalid', consequence: 'keepalived stores it anyway' });
    s.weight = v ?? valueOf(Number.parseInt(t.text, 10) || 0, t.loc);
    const opt = stmt.args[1];
    if (opt) {
      if (opt.text === 'reverse') s.reverse = valueOf(true, opt.loc);
      else report(ctx, 'script-weight-option', 'error', opt.loc, `vrrp_script ${s.name}: unknown weight option '${opt.text}'`);
    }
  },
  rise: (s, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 2147483647, { code: 'script-rise-invalid', consequence: 'keepalived uses 1' });
    s.rise = v ?? valueOf(1, stmt.loc);
  },
  fall: (s, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 2147483647, { code: 'script-fall-invalid', consequence: 'keepalived uses 1' });
    s.fall = v ?? valueOf(1, stmt.loc);
  },
  user: (s, stmt, ctx) => {
    const u = userArg(ctx, stmt);
    if (u) s.user = u;
  },
  init_fail: (s, stmt) => {
    s.initFail = setFlag(stmt);
  },
};

/**
 * vrrp_vscript_end_handler: a script without `script` is removed, and so is
 * one whose user cannot be set (its own `user`, the global script_user, or
 * keepalived_script under enable_script_security). Returns false when removed.
 * The user checks need the host's users; without them they are not checked.
 */
export function closeScript(s: S, ctx: BuildContext, block: BlockNode, globals: GlobalDefs): boolean {
  if (block.endedBySkip) return true;
  const at = block.end ?? s.loc;
  if (!s.script) {
    report(ctx, 'script-missing-command', 'error', at, `vrrp_script ${s.name} has no 'script': keepalived removes it`);
    return false;
  }
  const users = ctx.host?.users;
  if (s.user) {
    if (!users) {
      ctx.reporter.notChecked('script-user-exists', s.user.loc, `user '${s.user.value.user}' of vrrp_script ${s.name} exists`, 'no host users given');
      return true;
    }
    if (users.includes(s.user.value.user)) return true;
    report(ctx, 'script-user-unknown', 'error', s.user.loc, `user '${s.user.value.user}' does not exist on the host: keepalived removes vrrp_script ${s.name}`);
    return false;
  }
  const defaultUser = globals.scriptUser?.value.user ?? (globals.enableScriptSecurity?.value ? 'keepalived_script' : undefined);
  if (defaultUser === undefined) return true;
  if (!users) {
    ctx.reporter.notChecked('script-user-exists', at, `default script user '${defaultUser}' for vrrp_script ${s.name} exists`, 'no host users given');
    return true;
  }
  if (users.includes(defaultUser)) return true;
  report(ctx, 'script-user-unknown', 'error', at,
    `the default script user '${defaultUser}' does not exist on the host: keepalived removes vrrp_script ${s.name}`,
    globals.scriptUser ? 'create the user or change script_user' : 'create the keepalived_script user, or set script_user in global_defs');
  return false;
}

// ------------------------------------------------------------ track_file / vrrp_track_process

type F = Draft<TrackFile>;

export const TRACK_FILE_HANDLERS: Readonly<Record<string, Handler<F>>> = {
  file: (f, stmt, ctx) => {
    if (f.file) {
      report(ctx, 'track-file-duplicate-file', 'error', stmt.loc, `file already set for track file ${f.name}: keepalived ignores this one`);
      return;
    }
    const v = stringArg(ctx, stmt);
    if (v) f.file = v;
  },
  weight: (f, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const v = intToken(ctx, t, `track file ${f.name} weight`, -254, 254, { code: 'track-weight-invalid', consequence: 'keepalived ignores it' });
    if (v) f.weight = v;
    const opt = stmt.args[1];
    if (opt) {
      if (opt.text === 'reverse') f.reverse = valueOf(true, opt.loc);
      else report(ctx, 'track-option-unknown', 'error', opt.loc, `track file ${f.name}: unknown weight option '${opt.text}'`);
    }
  },
  init_file: (f, stmt, ctx) => {
    let value: number | undefined;
    let overwrite = false;
    for (const a of stmt.args) {
      if (a.text === 'overwrite') overwrite = true;
      else {
        const r = readUnsigned(a.text.replace(/^-/, ''), 0, 2147483647);
        if (!r.ok) report(ctx, 'option-invalid', 'error', a.loc, `track file ${f.name}: invalid init_file value '${a.text}'`);
        else value = a.text.startsWith('-') ? -r.value : r.value;
      }
    }
    f.initFile = valueOf({ ...(value !== undefined ? { value } : {}), overwrite }, stmt.loc);
  },
};

export function closeTrackFile(f: F, ctx: BuildContext, block: BlockNode): void {
  if (block.endedBySkip) return;
  if (!f.file) report(ctx, 'track-file-no-file', 'error', block.end ?? f.loc, `track file ${f.name} has no 'file': keepalived ignores it`);
}

type P = Draft<TrackProcess>;

export const TRACK_PROCESS_HANDLERS: Readonly<Record<string, Handler<P>>> = {
  process: (p, stmt, ctx) => {
    if (p.process) {
      report(ctx, 'track-process-duplicate', 'error', stmt.loc, `process already set for track process ${p.name}: keepalived ignores this one`);
      return;
    }
    const v = stringArg(ctx, stmt);
    if (!v) return;
    p.process = v;
    p.args = stmt.args.slice(1).map((a) => a.text);
  },
  param_match: (p, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (t.text === 'initial' || t.text === 'partial') p.paramMatch = valueOf(t.text, t.loc);
    else report(ctx, 'option-invalid', 'error', t.loc, `(${p.name}) unknown param_match '${t.text}'`);
  },
  weight: (p, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const v = intToken(ctx, t, `track process ${p.name} weight`, -254, 254, { code: 'track-weight-invalid', consequence: 'keepalived ignores it' });
    if (v) p.weight = v;
    const opt = stmt.args[1];
    if (opt?.text === 'reverse') p.reverse = valueOf(true, opt.loc);
    else if (opt) report(ctx, 'track-option-unknown', 'error', opt.loc, `(${p.name}) unknown weight option '${opt.text}'`);
  },
  quorum: (p, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 65535, { code: 'track-process-quorum-invalid' });
    if (v) p.quorum = v;
  },
  quorum_max: (p, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, 65535, { code: 'track-process-quorum-invalid' });
    if (v) p.quorumMax = v;
  },
  delay: (p, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, 3600 * TIMER_HZ, { code: 'track-process-delay-invalid' });
    if (v) p.delayUs = v;
  },
  terminate_delay: (p, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, 3600 * TIMER_HZ, { code: 'track-process-delay-invalid' });
    if (v) p.terminateDelayUs = v;
  },
  fork_delay: (p, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, 3600 * TIMER_HZ, { code: 'track-process-delay-invalid' });
    if (v) p.forkDelayUs = v;
  },
  full_command: (p, stmt) => {
    p.fullCommand = setFlag(stmt);
  },
};

// ------------------------------------------------------------ vrrp_sync_group

type G = Draft<SyncGroup>;

export const SYNC_GROUP_HANDLERS: Readonly<Record<string, Handler<G>>> = {
  group: (g, stmt, ctx) => {
    const members = (stmt.values?.items ?? []).flatMap((i) => i.tokens.map((t) => valueOf(t.text, t.loc)));
    if (members.length === 0) {
      report(ctx, 'sync-group-empty', 'error', stmt.values?.end ?? stmt.loc, `sync group ${g.name} has an empty group block`);
    }
    g.members.push(...members);
  },
  track_interface: trackList<G>((t) => t.trackInterfaces, TRACK_IF),
  track_script: trackList<G>((t) => t.trackScripts, TRACK_SCRIPT, scriptExists, 'track-script-not-found'),
  track_file: trackList<G>((t) => t.trackFiles, TRACK_FILE, fileExists, 'track-file-not-found'),
  track_process: trackList<G>((t) => t.trackProcesses, TRACK_PROCESS, processExists, 'track-process-not-found'),
  track_bfd: trackList<G>((t) => t.trackBfds, TRACK_BFD, bfdExists, 'track-bfd-not-found'),
  notify_master: setNotify('master', 'notify_master script'),
  notify_backup: setNotify('backup', 'notify_backup script'),
  notify_fault: setNotify('fault', 'notify_fault script'),
  notify_stop: setNotify('stop', 'notify_stop script'),
  notify: setNotify('generic', 'notify script'),
  smtp_alert: (g, stmt, ctx) => {
    const v = flagArg(ctx, stmt);
    if (v) g.smtpAlert = v;
  },
  global_tracking: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, `(${g.name}) global_tracking is deprecated: use track_interface/track_script/track_file on the sync group`);
    g.syncGroupTrackingWeight = setFlag(stmt);
  },
  sync_group_tracking_weight: (g, stmt) => {
    g.syncGroupTrackingWeight = setFlag(stmt);
  },
  notify_priority_changes: (g, stmt, ctx) => {
    const v = flagArg(ctx, stmt);
    if (v) g.notifyPriorityChanges = v;
  },
};

export function newSyncGroup(name: string, stmt: Statement): G {
  return { name, loc: stmt.loc, statements: [], members: [], trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackBfds: [], notify: {} };
}

// ------------------------------------------------------------ garp_group / track_group

type GG = Draft<GarpGroup>;

export const GARP_GROUP_HANDLERS: Readonly<Record<string, Handler<GG>>> = {
  garp_interval: (g, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 0, 2147483647, { code: 'garp-interval-invalid' });
    if (v) g.garpIntervalUs = v;
  },
  gna_interval: (g, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 0, 2147483647, { code: 'garp-interval-invalid' });
    if (v) g.gnaIntervalUs = v;
  },
  interface: (g, stmt, ctx) => {
    const v = stringArg(ctx, stmt);
    if (!v) return;
    if (interfaceExists(ctx, v.value, v.loc, 'garp_group') === false) {
      report(ctx, 'interface-missing', 'error', v.loc, `interface ${v.value} of garp_group does not exist on the host: keepalived ignores it`);
      return;
    }
    g.interfaces.push(v);
  },
  interfaces: (g, stmt, ctx) => {
    const items = stmt.values?.items ?? [];
    if (items.length === 0) report(ctx, 'garp-group-empty', 'warning', stmt.values?.end ?? stmt.loc, 'empty garp_group interfaces block');
    for (const item of items) {
      for (const t of item.tokens) {
        if (interfaceExists(ctx, t.text, t.loc, 'garp_group') === false) {
          report(ctx, 'interface-missing', ctx.dynamicInterfaces ? 'warning' : 'error', t.loc, `interface ${t.text} of garp_group does not exist on the host: keepalived ignores it`);
          continue;
        }
        g.interfaces.push(valueOf(t.text, t.loc));
      }
    }
  },
};

export function closeGarpGroup(g: GG, ctx: BuildContext, block: BlockNode): void {
  if (block.endedBySkip) return;
  if (!g.garpIntervalUs && !g.gnaIntervalUs) {
    report(ctx, 'garp-group-no-delay', 'error', block.end ?? g.loc, 'garp_group has neither garp_interval nor gna_interval: keepalived removes it');
  }
}

export function trackGroupMembers(g: Draft<TrackGroup>, stmt: Statement, ctx: BuildContext): void {
  const members = (stmt.values?.items ?? []).flatMap((i) => i.tokens.map((t) => valueOf(t.text, t.loc)));
  if (members.length === 0) report(ctx, 'track-group-empty', 'error', stmt.values?.end ?? stmt.loc, `track group ${g.name} has an empty group block`);
  g.members.push(...members);
}

/** Applies a handler table to a block's statements, in order, keeping every statement. */
export function applyHandlers<T extends { statements: unknown[] }>(
  target: T, block: BlockNode | undefined, table: Readonly<Record<string, Handler<T>>>, ctx: BuildContext, scope: VrrpScope,
): void {
  for (const s of block?.statements ?? []) {
    target.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    const h = table[s.keyword.text];
    if (h) h(target, s, ctx, scope);
  }
}

export type { Handler };
