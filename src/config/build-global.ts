/**
 * global_defs (keepalived/core/global_parser.c): the keywords that matter to
 * VRRP and LVS are typed into GlobalDefs; every statement is kept raw.
 */
import type { Draft, GlobalDefs } from './model.js';
import { flagArg, needArg, rawOf, report, setFlag, stringArg, timerArg, unsignedArg, userArg, valueOf, type BuildContext } from './build-context.js';
import { intToken } from './build-context.js';
import { isMulticast, parseAddress } from './ip.js';
import { readUnsigned } from './numbers.js';
import type { Statement } from './parser.js';

type D = Draft<GlobalDefs>;
type Handler = (g: D, stmt: Statement, ctx: BuildContext) => void;

const TIMER_HZ = 1_000_000;
const UINT_MAX = 4294967295;

function uns(field: keyof D & string, min: number, max: number, code: string, zeroToOne = false): Handler {
  return (g, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, min, max, { code, consequence: 'keepalived ignores it' });
    if (!v) return;
    if (zeroToOne && v.value === 0) {
      report(ctx, code, 'error', v.loc, `${stmt.keyword.text} must be greater than 0: keepalived uses 1`);
      (g as Record<string, unknown>)[field] = valueOf(1, v.loc);
      return;
    }
    (g as Record<string, unknown>)[field] = v;
  };
}

function bool(field: keyof D & string): Handler {
  return (g, stmt, ctx) => {
    const v = flagArg(ctx, stmt);
    if (v) (g as Record<string, unknown>)[field] = v;
  };
}

function interval(field: 'vrrpGarpIntervalUs' | 'vrrpGnaIntervalUs'): Handler {
  return (g, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, UINT_MAX, {
      code: 'garp-interval-invalid',
      consequence: `keepalived ignores ${stmt.keyword.text} (0 is not allowed; leave it out for no delay)`,
    });
    if (v) g[field] = v;
  };
}

function mcastGroup(field: 'vrrpMcastGroup4' | 'vrrpMcastGroup6', family: 'inet' | 'inet6'): Handler {
  return (g, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const a = parseAddress(t.text);
    if (!a) report(ctx, 'mcast-group-invalid', 'error', t.loc, `${stmt.keyword.text}: cannot parse '${t.text}'; keepalived ignores it`);
    else if (a.family !== family) report(ctx, 'mcast-group-invalid', 'error', t.loc, `${stmt.keyword.text}: '${t.text}' is not ${family === 'inet' ? 'IPv4' : 'IPv6'}; keepalived ignores it`);
    else if (!isMulticast(a)) report(ctx, 'mcast-group-invalid', 'error', t.loc, `${stmt.keyword.text}: '${t.text}' is not multicast; keepalived ignores it`);
    else g[field] = valueOf(t.text, t.loc);
  };
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

export const GLOBAL_HANDLERS: Readonly<Record<string, Handler>> = {
  router_id: (g, stmt, ctx) => {
    if (stmt.args.length === 0) {
      report(ctx, 'router-id-missing', 'error', stmt.loc, 'router_id without a name: keepalived ignores it');
      return;
    }
    g.routerId = valueOf(stmt.args.map((a) => a.text).join(' '), stmt.args[0]?.loc ?? stmt.loc);
  },
  notification_email_from: (g, stmt, ctx) => {
    if (stmt.args.length === 0) {
      report(ctx, 'option-invalid', 'error', stmt.loc, 'notification_email_from without an address: keepalived ignores it');
      return;
    }
    g.notificationEmailFrom = valueOf(stmt.args.map((a) => a.text).join(' '), stmt.args[0]?.loc ?? stmt.loc);
  },
  notification_email: (g, stmt, ctx) => {
    const items = stmt.values?.items ?? [];
    if (items.length === 0) {
      report(ctx, 'notification-email-empty', 'warning', stmt.values?.end ?? stmt.loc, 'empty notification_email block');
      return;
    }
    for (const i of items) for (const t of i.tokens) g.notificationEmail.push(valueOf(t.text, t.loc));
  },
  smtp_server: (g, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const port = stmt.args[1];
    if (port) {
      const r = unsignedArg(ctx, stmt, 2, 1, 65535, { code: 'smtp-server-invalid', consequence: 'keepalived has no SMTP server' });
      if (!r) return;
    }
    const ip = /[-/]/.test(t.text) ? undefined : parseAddress(t.text);
    if (!ip) {
      if (HOSTNAME.test(t.text)) {
        report(ctx, 'smtp-server-hostname', 'warning', t.loc,
          `smtp_server '${t.text}' is a host name: keepalived resolves it when it reads the configuration and reports it invalid if that fails`,
          'an IP address avoids the dependency on DNS at startup');
        ctx.reporter.notChecked('smtp-server-resolves', t.loc, `smtp_server ${t.text} resolves`, 'name resolution is not checked');
      } else {
        report(ctx, 'smtp-server-invalid', 'error', t.loc, `invalid smtp_server '${t.text}': keepalived sends no mail`);
        return;
      }
    }
    g.smtpServer = valueOf(t.text, t.loc);
  },
  smtp_connect_timeout: (g, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, Math.floor(UINT_MAX / TIMER_HZ), { code: 'smtp-connect-timeout-invalid' });
    if (!v) return;
    if (v.value === 0) report(ctx, 'smtp-connect-timeout-invalid', 'error', v.loc, 'smtp_connect_timeout must be greater than 0: keepalived uses 1');
    g.smtpConnectTimeoutS = valueOf(Math.max(1, v.value), v.loc);
  },
  smtp_alert: (_g, stmt, ctx) => {
    flagArg(ctx, stmt);
  },
  dynamic_interfaces: (g, stmt, ctx) => {
    g.dynamicInterfaces = setFlag(stmt);
    const opt = stmt.args[0];
    if (opt && opt.text !== 'allow_if_changes') report(ctx, 'option-invalid', 'error', opt.loc, `unknown dynamic_interfaces option '${opt.text}'`);
  },
  default_interface: (g, stmt, ctx) => {
    if (stmt.args.length === 0) {
      report(ctx, 'option-invalid', 'error', stmt.loc, 'default_interface requires an interface name');
      return;
    }
    const v = stringArg(ctx, stmt);
    if (v) g.defaultInterface = v;
  },
  vrrp_mcast_group4: mcastGroup('vrrpMcastGroup4', 'inet'),
  vrrp_mcast_group6: mcastGroup('vrrpMcastGroup6', 'inet6'),
  vrrp_garp_master_delay: uns('vrrpGarpMasterDelayS', 0, Math.floor(UINT_MAX / TIMER_HZ), 'garp-invalid'),
  vrrp_garp_master_repeat: uns('vrrpGarpMasterRepeat', 0, UINT_MAX, 'garp-invalid', true),
  vrrp_garp_master_refresh: uns('vrrpGarpMasterRefreshS', 0, UINT_MAX, 'garp-invalid'),
  vrrp_garp_master_refresh_repeat: uns('vrrpGarpMasterRefreshRepeat', 0, UINT_MAX, 'garp-invalid', true),
  vrrp_garp_lower_prio_delay: uns('vrrpGarpLowerPrioDelayS', 0, Math.floor(UINT_MAX / TIMER_HZ), 'garp-invalid'),
  vrrp_garp_lower_prio_repeat: uns('vrrpGarpLowerPrioRepeat', 0, 2147483647, 'garp-invalid'),
  vrrp_down_timer_adverts: uns('vrrpDownTimerAdverts', 1, 100, 'down-timer-adverts-invalid'),
  vrrp_garp_interval: interval('vrrpGarpIntervalUs'),
  vrrp_gna_interval: interval('vrrpGnaIntervalUs'),
  vrrp_min_garp: (_g, stmt, ctx) => {
    flagArg(ctx, stmt);
  },
  vrrp_lower_prio_no_advert: bool('vrrpLowerPrioNoAdvert'),
  vrrp_higher_prio_send_advert: bool('vrrpHigherPrioSendAdvert'),
  vrrp_version: (g, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const v = intToken(ctx, t, 'vrrp_version', 2, 3, { code: 'version-invalid', consequence: 'the version must be 2 or 3; keepalived ignores it' });
    if (v) g.vrrpVersion = valueOf(v.value as 2 | 3, v.loc);
  },
  vrrp_iptables: (_g, stmt, ctx) => {
    report(ctx, 'iptables-unsupported', 'warning', stmt.loc, "this keepalived build has no iptables support: it uses nftables instead; write 'nftables'");
  },
  vrrp_check_unicast_src: (g, stmt) => {
    g.vrrpCheckUnicastSrc = setFlag(stmt);
  },
  vrrp_skip_check_adv_addr: (g, stmt) => {
    g.vrrpSkipCheckAdvAddr = setFlag(stmt);
  },
  vrrp_strict: (g, stmt) => {
    g.vrrpStrict = setFlag(stmt);
  },
  script_user: (g, stmt, ctx) => {
    if (stmt.args.length === 0) {
      report(ctx, 'script-user-missing', 'error', stmt.loc, 'script_user without a user name: keepalived ignores it');
      return;
    }
    const u = userArg(ctx, stmt);
    if (u) g.scriptUser = u;
  },
  enable_script_security: (g, stmt) => {
    g.enableScriptSecurity = setFlag(stmt);
  },
  vrrp_startup_delay: (g, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, TIMER_HZ / 1000, UINT_MAX, { code: 'startup-delay-invalid' });
    if (v) g.vrrpStartupDelayUs = v;
  },
  lvs_sync_daemon: (g, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const inst = stmt.args[1] && !['id', 'maxlen', 'port', 'ttl', 'group'].includes(stmt.args[1].text) ? stmt.args[1].text : undefined;
    g.lvsSyncDaemon = valueOf({ interface: t.text, ...(inst ? { instance: inst } : {}) }, t.loc);
  },
  max_auto_priority: (g, stmt, ctx) => {
    const t = stmt.args[0];
    if (!t) {
      g.maxAutoPriority = valueOf(99, stmt.loc);
      return;
    }
    const v = intToken(ctx, t, 'max_auto_priority', -1, 99, { code: 'option-invalid' });
    if (v) g.maxAutoPriority = v;
  },
};

/** A keyword whose handler complains (without stopping) when its value is missing. */
function requires(what: string, then?: Handler): Handler {
  return (g, stmt, ctx) => {
    if (stmt.args.length === 0) {
      report(ctx, 'option-missing-value', 'error', stmt.loc, `${stmt.keyword.text}: ${what}; keepalived ignores the line`);
      return;
    }
    then?.(g, stmt, ctx);
  };
}

function intIn(min: number, max: number, code = 'option-invalid'): Handler {
  return (_g, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (t) intToken(ctx, t, stmt.keyword.text, min, max, { code, consequence: 'keepalived ignores it' });
  };
}

function uintIn(min: number, max: number, code = 'option-invalid'): Handler {
  return (_g, stmt, ctx) => void unsignedArg(ctx, stmt, 1, min, max, { code, consequence: 'keepalived ignores it' });
}

const flagOnly: Handler = () => {};
const optionalBool: Handler = (_g, stmt, ctx) => void flagArg(ctx, stmt);

/** Process nice value: "No X process priority specified", -20..19. */
const processPriority = requires('no process priority given', intIn(-20, 19, 'process-priority-invalid'));

/** SCHED_RR priority 1..99; keepalived clamps out-of-range values with a message. */
const realtimePriority: Handler = requires('no real-time priority given', (_g, stmt, ctx) => {
  const t = stmt.args[0];
  if (!t) return;
  const v = intToken(ctx, t, stmt.keyword.text, -2147483648, 2147483647, { code: 'realtime-priority-invalid' });
  if (!v) return;
  if (v.value < 1) report(ctx, 'realtime-priority-invalid', 'error', t.loc, `${stmt.keyword.text} ${v.value} is below the minimum 1: keepalived uses 1`);
  else if (v.value > 99) report(ctx, 'realtime-priority-invalid', 'error', t.loc, `${stmt.keyword.text} ${v.value} is above the maximum 99: keepalived uses 99`);
});

const cpuAffinity: Handler = requires('no cpu id given', (_g, stmt, ctx) => {
  for (const a of stmt.args) intToken(ctx, a, stmt.keyword.text, 0, 4095, { code: 'cpu-affinity-invalid', consequence: 'keepalived ignores the affinity' });
});

const rcvBufs: Handler = requires('no size given', uintIn(0, UINT_MAX, 'rcv-bufs-invalid'));

function processName(_g: D, stmt: Statement, ctx: BuildContext): void {
  const t = needArg(ctx, stmt, 1);
  if (t && t.text.length > 15) report(ctx, 'process-name-too-long', 'warning', t.loc, `process name '${t.text}' is longer than 15 characters: keepalived truncates it`);
}

const SINGLETON_SEEN = new WeakMap<object, Set<string>>();
function once(what: string, then?: Handler): Handler {
  return (g, stmt, ctx) => {
    const seen = SINGLETON_SEEN.get(g) ?? new Set<string>();
    SINGLETON_SEEN.set(g, seen);
    if (seen.has(stmt.keyword.text)) {
      report(ctx, 'option-duplicate', 'error', stmt.loc, `${what} already specified: keepalived ignores this one`);
      return;
    }
    seen.add(stmt.keyword.text);
    then?.(g, stmt, ctx);
  };
}

const fifo = (what: string): Handler => requires(`no ${what} name given`, once(what));

/** global_defs keywords not typed into GlobalDefs: checked as keepalived checks them. */
const OTHER_GLOBAL_HANDLERS: Readonly<Record<string, Handler>> = {
  process_names: flagOnly,
  lvs_process_name: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'lvs_process_name is deprecated: use checker_process_name');
    processName(g, stmt, ctx);
  },
  process_name: processName,
  vrrp_process_name: processName,
  checker_process_name: processName,
  bfd_process_name: processName,
  smtp_helo_name: flagOnly,
  startup_script: requires('no script given'),
  shutdown_script: requires('no script given'),
  startup_script_timeout: requires('no timeout given', uintIn(1, 1000)),
  shutdown_script_timeout: requires('no timeout given', uintIn(1, 1000)),
  min_auto_priority_delay: requires('no delay given', intIn(1, 10000000)),
  smtp_alert_vrrp: optionalBool,
  smtp_alert_checker: optionalBool,
  checker_log_all_failures: optionalBool,
  no_email_faults: flagOnly,
  disable_local_igmp: flagOnly,
  lvs_timeouts: (_g, stmt, ctx) => {
    if (stmt.args.length < 2) {
      report(ctx, 'option-missing-value', 'error', stmt.loc, 'lvs_timeouts needs at least one option and value (tcp, tcpfin, udp): keepalived ignores it');
      return;
    }
    for (let i = 0; i < stmt.args.length; i++) {
      const o = stmt.args[i] as { text: string; loc: import('./source.js').Loc };
      if (!['tcp', 'tcpfin', 'udp'].includes(o.text)) {
        report(ctx, 'option-invalid', 'error', o.loc, `unknown lvs_timeouts option '${o.text}'`);
        continue;
      }
      const v = stmt.args[i + 1];
      if (!v) {
        report(ctx, 'option-missing-value', 'error', o.loc, `no value given for lvs_timeouts ${o.text}: keepalived ignores it`);
        continue;
      }
      unsignedTokenOk(ctx, v, `lvs_timeouts ${o.text}`, 0, 86400 * 31);
      i++;
    }
  },
  lvs_flush: flagOnly,
  lvs_flush_on_stop: lvsFlushOnStop,
  lvs_flush_onstop: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'lvs_flush_onstop is deprecated: use lvs_flush_on_stop');
    lvsFlushOnStop(g, stmt, ctx);
  },
  vrrp_garp_extra_if: (_g, stmt, ctx) => {
    let seen = false;
    for (const a of stmt.args) {
      if (a.text === 'all') continue;
      seen = true;
      if (!unsignedTokenOk(ctx, a, stmt.keyword.text, 0, 86400)) return;
    }
    if (!seen) report(ctx, 'garp-invalid', 'error', stmt.loc, `${stmt.keyword.text} given without a time: keepalived ignores it`);
  },
  vrrp_vmac_garp_intvl: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'vrrp_vmac_garp_intvl is deprecated: use vrrp_garp_extra_if');
    OTHER_GLOBAL_HANDLERS.vrrp_garp_extra_if?.(g, stmt, ctx);
  },
  nftables: once('nftables'),
  nftables_priority: intIn(-2147483648, 2147483647, 'nftables-priority-invalid'),
  nftables_ifindex: flagOnly,
  nftables_ipvs: once('ipvs nftables'),
  nftables_ipvs_priority: intIn(-2147483648, 2147483647, 'nftables-priority-invalid'),
  nftables_ipvs_start_fwmark: uintIn(1, UINT_MAX, 'nftables-priority-invalid'),
  nftables_counters: flagOnly,
  vrrp_priority: processPriority,
  checker_priority: processPriority,
  bfd_priority: processPriority,
  vrrp_no_swap: flagOnly,
  checker_no_swap: flagOnly,
  bfd_no_swap: flagOnly,
  vrrp_rt_priority: realtimePriority,
  checker_rt_priority: realtimePriority,
  bfd_rt_priority: realtimePriority,
  vrrp_cpu_affinity: cpuAffinity,
  checker_cpu_affinity: cpuAffinity,
  bfd_cpu_affinity: cpuAffinity,
  vrrp_rlimit_rttime: uintIn(1, UINT_MAX, 'rlimit-invalid'),
  checker_rlimit_rttime: uintIn(1, UINT_MAX, 'rlimit-invalid'),
  bfd_rlimit_rttime: uintIn(1, UINT_MAX, 'rlimit-invalid'),
  vrrp_rlimit_rtime: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'vrrp_rlimit_rtime is deprecated: use vrrp_rlimit_rttime');
    uintIn(1, UINT_MAX, 'rlimit-invalid')(g, stmt, ctx);
  },
  checker_rlimit_rtime: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'checker_rlimit_rtime is deprecated: use checker_rlimit_rttime');
    uintIn(1, UINT_MAX, 'rlimit-invalid')(g, stmt, ctx);
  },
  bfd_rlimit_rtime: (g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'bfd_rlimit_rtime is deprecated: use bfd_rlimit_rttime');
    uintIn(1, UINT_MAX, 'rlimit-invalid')(g, stmt, ctx);
  },
  notify_fifo: fifo('notify_fifo'),
  notify_fifo_script: fifo('notify_fifo_script'),
  vrrp_notify_fifo: fifo('vrrp_notify_fifo'),
  vrrp_notify_fifo_script: fifo('vrrp_notify_fifo_script'),
  lvs_notify_fifo: fifo('lvs_notify_fifo'),
  lvs_notify_fifo_script: fifo('lvs_notify_fifo_script'),
  vrrp_notify_priority_changes: optionalBool,
  fifo_write_vrrp_states_on_reload: flagOnly,
  snmp_socket: requires('no socket name given', (_g, stmt, ctx) => {
    if (stmt.args.length > 1) report(ctx, 'option-invalid', 'error', stmt.loc, 'too many parameters for snmp_socket: keepalived ignores it');
  }),
  enable_traps: flagOnly,
  enable_snmp_vrrp: flagOnly,
  enable_snmp_keepalived: (_g, stmt, ctx) => {
    report(ctx, 'deprecated-keyword', 'warning', stmt.loc, 'enable_snmp_keepalived is deprecated: use enable_snmp_vrrp');
  },
  enable_snmp_rfc: flagOnly,
  enable_snmp_rfcv2: flagOnly,
  enable_snmp_rfcv3: flagOnly,
  enable_snmp_checker: flagOnly,
  enable_dbus: flagOnly,
  dbus_service_name: requires('no service name given'),
  vrrp_netlink_cmd_rcv_bufs: rcvBufs,
  vrrp_netlink_monitor_rcv_bufs: rcvBufs,
  process_monitor_rcv_bufs: rcvBufs,
  lvs_netlink_cmd_rcv_bufs: rcvBufs,
  lvs_netlink_monitor_rcv_bufs: rcvBufs,
  vrrp_netlink_cmd_rcv_bufs_force: optionalBool,
  vrrp_netlink_monitor_rcv_bufs_force: optionalBool,
  process_monitor_rcv_bufs_force: optionalBool,
  lvs_netlink_cmd_rcv_bufs_force: optionalBool,
  lvs_netlink_monitor_rcv_bufs_force: optionalBool,
  rs_init_notifies: optionalBool,
  no_checker_emails: optionalBool,
  vrrp_rx_bufs_policy: requires('no policy given'),
  vrrp_rx_bufs_multiplier: requires('no multiplier given', uintIn(1, UINT_MAX)),
  log_unknown_vrids: flagOnly,
  vmac_prefix: (_g, stmt, ctx) => void needArg(ctx, stmt, 1),
  vmac_addr_prefix: (_g, stmt, ctx) => void needArg(ctx, stmt, 1),
  random_seed: uintIn(0, UINT_MAX),
  data_use_instance: optionalBool,
  tmp_config_directory: requires('no directory name given'),
  include_check: (_g, stmt, ctx) => {
    stmt.args.forEach((a, i) => {
      const word = a.text.replace(/^[-+]/, '');
      if (i > 0 && !/^[-+]/.test(a.text)) {
        report(ctx, 'option-invalid', 'error', a.loc, `include_check: '${a.text}' given twice: keepalived ignores it`);
      } else if (!['read', 'match', 'wildcard_match', 'brace_match'].includes(word)) {
        report(ctx, 'option-invalid', 'error', a.loc, `unknown include_check type '${word}': keepalived ignores it`);
      }
    });
  },
  umask: (_g, stmt, ctx) => {
    const first = stmt.args[0];
    if (!first) return;
    if (/^[0-9]/.test(first.text)) {
      if (stmt.args.length !== 1) report(ctx, 'option-invalid', 'error', stmt.loc, 'extra parameters to umask: keepalived ignores it');
      else if (!/^(0[0-7]*|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(first.text) || Number(first.text.startsWith('0') && !first.text.startsWith('0x') ? parseInt(first.text, 8) : Number(first.text)) & ~0o777) {
        report(ctx, 'option-invalid', 'error', first.loc, `invalid umask value '${first.text}': keepalived ignores it`);
      }
      return;
    }
    const bits = stmt.args.map((a) => a.text).join('');
    if (!/^(I[RWX](USR|GRP|OTH))(\|I[RWX](USR|GRP|OTH))*$/.test(bits)) {
      report(ctx, 'option-invalid', 'error', first.loc, `invalid umask '${stmt.args.map((a) => a.text).join(' ')}': keepalived ignores it`);
    }
  },
};

/** Top-level keywords parsed by global_parser.c (not blocks). */
export const ROOT_GLOBAL_HANDLERS: Readonly<Record<string, Handler>> = {
  child_wait_time: uintIn(0, UINT_MAX, 'option-invalid'),
};

function lvsFlushOnStop(_g: D, stmt: Statement, ctx: BuildContext): void {
  const t = stmt.args[0];
  if (t && t.text !== 'VS') report(ctx, 'option-invalid', 'error', t.loc, `unknown lvs_flush_on_stop type '${t.text}' (VS or nothing): keepalived ignores it`);
}

function unsignedTokenOk(ctx: BuildContext, t: { text: string; loc: import('./source.js').Loc }, what: string, min: number, max: number): boolean {
  const r = readUnsigned(t.text, min, max);
  if (!r.ok) report(ctx, 'option-invalid', 'error', t.loc, `${what} '${t.text}' is invalid: keepalived ignores the line`);
  return r.ok;
}

export function newGlobalDefs(): D {
  return { notificationEmail: [], statements: [] };
}

export function applyGlobalDefs(g: D, stmt: Statement, ctx: BuildContext): void {
  g.loc ??= stmt.loc;
  for (const s of stmt.block?.statements ?? []) {
    g.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    (GLOBAL_HANDLERS[s.keyword.text] ?? OTHER_GLOBAL_HANDLERS[s.keyword.text])?.(g, s, ctx);
  }
}
