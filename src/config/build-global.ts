/**
 * global_defs (keepalived/core/global_parser.c): the keywords that matter to
 * VRRP and LVS are typed into GlobalDefs; every statement is kept raw.
 */
import type { Draft, GlobalDefs } from './model.js';
import { flagArg, needArg, rawOf, report, setFlag, stringArg, timerArg, unsignedArg, userArg, valueOf, type BuildContext } from './build-context.js';
import { intToken } from './build-context.js';
import { isMulticast, parseAddress } from './ip.js';
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

export function newGlobalDefs(): D {
  return { notificationEmail: [], statements: [] };
}

export function applyGlobalDefs(g: D, stmt: Statement, ctx: BuildContext): void {
  g.loc ??= stmt.loc;
  for (const s of stmt.block?.statements ?? []) {
    g.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    GLOBAL_HANDLERS[s.keyword.text]?.(g, s, ctx);
  }
}
