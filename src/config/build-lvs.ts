/**
 * The LVS side of the model builder: virtual_server_group, virtual_server,
 * real_server and the health checkers (keepalived/check/check_parser.c,
 * check_api.c, check_http.c, check_misc.c, check_data.c).
 */
import type { Checker, CheckerType, Draft, HttpUrl, RealServer, VirtualServer, VirtualServerGroup } from './model.js';
import {
  flagArg, needArg, rawOf, report, stringArg, timerArg, unsignedArg, userArg, valueOf, type BuildContext,
} from './build-context.js';
import { familyOf, parseAddress } from './ip.js';
import { readUnsigned } from './numbers.js';
import { commandWords, notifyScript } from './build-vrrp.js';
import { IFNAMSIZ } from './build-address.js';
import type { BlockNode, Statement } from './parser.js';
import { readSockaddr } from './parse-hooks.js';
import { missingParameterMessage } from './source.js';

const TIMER_HZ = 1_000_000;
const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;
const LVS_MAX_TIMEOUT = 86400 * 31;
const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']);

type VS = Draft<VirtualServer>;
type RS = Draft<RealServer>;
type CK = Draft<Checker>;

function forwarding(ctx: BuildContext, stmt: Statement, kind: string): 'NAT' | 'DR' | 'TUN' | undefined {
  const t = needArg(ctx, stmt, 1);
  if (!t) return undefined;
  if (t.text !== 'NAT' && t.text !== 'DR' && t.text !== 'TUN') {
    report(ctx, 'lvs-method-invalid', 'error', t.loc, `unknown forwarding method '${t.text}' for the ${kind} server: keepalived ignores it`,
      'lb_kind / lvs_method is NAT, DR or TUN (in capitals); FNAT exists only in forks such as DPVS');
    return undefined;
  }
  return tunnelOptions(ctx, stmt, kind) ? t.text : undefined;
}

/** The words after the method are tunnel options: type ipip|gue|gre, port N, csum|nocsum|remcsum. */
function tunnelOptions(ctx: BuildContext, stmt: Statement, kind: string): boolean {
  let type = 'ipip';
  let port = false;
  let csum = 'nocsum';
  const bad = (at: Statement['args'][number] | undefined, why: string): false => {
    report(ctx, 'lvs-tunnel-invalid', 'error', (at ?? stmt.keyword).loc, `${why} for the ${kind} server: keepalived ignores the forwarding method`);
    return false;
  };
  for (let i = 1; i < stmt.args.length; i++) {
    const w = stmt.args[i];
    const v = stmt.args[i + 1];
    if (w?.text === 'type') {
      if (!v) return bad(w, 'missing tunnel type');
      if (!['ipip', 'gue', 'gre'].includes(v.text)) return bad(v, `unknown tunnel type '${v.text}'`);
      type = v.text;
      i++;
    } else if (w?.text === 'port') {
      if (!v) return bad(w, 'missing gue tunnel port');
      if (!readUnsigned(v.text, 1, 65535).ok) return bad(v, `invalid gue tunnel port '${v.text}'`);
      port = true;
      i++;
    } else if (w && ['csum', 'nocsum', 'remcsum'].includes(w.text)) csum = w.text;
    else return bad(w, `invalid tunnel option '${w?.text ?? ''}'`);
  }
  if ((type === 'gue') !== port) return bad(stmt.args[0], 'gue tunnels require a port, and other tunnels cannot have one');
  if (type === 'ipip' && csum !== 'nocsum') return bad(stmt.args[0], 'ipip tunnels do not support checksum options');
  if (type === 'gre' && csum === 'remcsum') return bad(stmt.args[0], 'gre tunnels do not support the remote checksum option');
  return true;
}

function timer(min: number, code: string): (ctx: BuildContext, stmt: Statement) => number | undefined {
  return (ctx, stmt) => timerArg(ctx, stmt, 1, min, UINT_MAX * TIMER_HZ, { code, consequence: 'keepalived ignores it' })?.value;
}

const VS_HANDLERS: Readonly<Record<string, (vs: VS, stmt: Statement, ctx: BuildContext) => void>> = {
  ip_family: (vs, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (t.text === 'inet' || t.text === 'inet6') vs.ipFamily = valueOf(t.text, t.loc);
    else report(ctx, 'option-invalid', 'error', t.loc, `unknown address family '${t.text}'`);
  },
  delay_loop: (vs, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, Number.MAX_SAFE_INTEGER, { code: 'delay-loop-invalid', consequence: 'keepalived ignores it' });
    if (v) vs.delayLoopUs = v;
  },
  connect_timeout: (_vs, stmt, ctx) => {
    timerArg(ctx, stmt, 1, 1, UINT_MAX, { code: 'connect-timeout-invalid', consequence: 'keepalived ignores it' });
  },
  delay_before_retry: (_vs, stmt, ctx) => void timer(0, 'delay-before-retry-invalid')(ctx, stmt),
  warmup: (_vs, stmt, ctx) => void timer(0, 'warmup-invalid')(ctx, stmt),
  retry: (_vs, stmt, ctx) => {
    unsignedArg(ctx, stmt, 1, 1, UINT_MAX, { code: 'retry-invalid', consequence: 'keepalived ignores it' });
  },
  lb_algo: lbAlgo,
  lvs_sched: lbAlgo,
  lb_kind: (vs, stmt, ctx) => {
    const m = forwarding(ctx, stmt, 'virtual');
    if (m) vs.lbKind = valueOf(m, stmt.args[0]?.loc ?? stmt.loc);
  },
  lvs_method: (vs, stmt, ctx) => {
    const m = forwarding(ctx, stmt, 'virtual');
    if (m) vs.lbKind = valueOf(m, stmt.args[0]?.loc ?? stmt.loc);
  },
  persistence_timeout: (vs, stmt, ctx) => {
    if (stmt.args.length === 0) {
      vs.persistenceTimeoutS = valueOf(360, stmt.loc);
      return;
    }
    const v = unsignedArg(ctx, stmt, 1, 1, LVS_MAX_TIMEOUT, { code: 'persistence-timeout-invalid', consequence: 'keepalived ignores it' });
    if (v) vs.persistenceTimeoutS = v;
  },
  persistence_granularity: (vs, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const v6 = vs.target.kind === 'address' ? vs.target.family === 'inet6' : !t.text.includes('.');
    const ok = v6 ? readUnsigned(t.text, 1, 128).ok : parseAddress(t.text)?.family === 'inet';
    if (!ok) {
      report(ctx, 'persistence-granularity-invalid', 'error', t.loc, `invalid ${v6 ? 'IPv6' : 'IPv4'} persistence_granularity '${t.text}': keepalived ignores it`);
      return;
    }
    vs.persistenceGranularity = valueOf(t.text, t.loc);
  },
  persistence_engine: (_vs, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (t && t.text.length > 15) report(ctx, 'option-invalid', 'warning', t.loc, `persistence_engine name '${t.text}' is too long: keepalived truncates it`);
  },
  protocol: (vs, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    const p = t.text.toUpperCase();
    if (p === 'TCP' || p === 'UDP' || p === 'SCTP') vs.protocol = valueOf(p, t.loc);
    else report(ctx, 'protocol-invalid', 'error', t.loc, `unknown protocol '${t.text}': keepalived ignores it`);
  },
  ha_suspend: (vs, stmt) => {
    vs.haSuspend = valueOf(true, stmt.loc);
  },
  smtp_alert: (_vs, stmt, ctx) => void flagArg(ctx, stmt),
  alpha: (vs, stmt) => {
    vs.alpha = valueOf(true, stmt.loc);
  },
  omega: (vs, stmt) => {
    vs.omega = valueOf(true, stmt.loc);
  },
  quorum: (vs, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, UINT_MAX, { code: 'quorum-invalid', consequence: 'keepalived uses 1' });
    vs.quorum = v ?? valueOf(1, stmt.loc);
  },
  hysteresis: (vs, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, UINT_MAX, { code: 'hysteresis-invalid', consequence: 'keepalived ignores it' });
    if (v) vs.hysteresis = v;
  },
  weight: (_vs, stmt, ctx) => {
    unsignedArg(ctx, stmt, 1, 1, INT_MAX, { code: 'weight-invalid', consequence: 'keepalived ignores it' });
  },
  hashed: schedulerFlag('sh'),
  snmp_name: snmpName('virtual'),
  ops: () => {},
  'flag-1': () => {},
  'flag-2': () => {},
  'flag-3': () => {},
  'sh-port': schedulerFlag('sh'),
  'sh-fallback': schedulerFlag('sh'),
  'mh-port': schedulerFlag('mh'),
  'mh-fallback': schedulerFlag('mh'),
  virtualhost: (vs, stmt, ctx) => {
    if (stmt.args.length === 0) {
      report(ctx, 'option-missing-value', 'error', stmt.loc, 'virtual server virtualhost without a name: keepalived ignores it');
      return;
    }
    vs.virtualhost = valueOf(stmt.args[0]?.text ?? '', stmt.args[0]?.loc ?? stmt.loc);
  },
  sorry_server: (vs, stmt, ctx) => {
    const ip = needArg(ctx, stmt, 1);
    if (!ip) return;
    const port = stmt.args[1];
    const r = readSockaddr(ip.text, port?.text);
    if (!r.ok) {
      report(ctx, 'sorry-server-invalid', 'error', (r.portProblem && port ? port : ip).loc,
        `invalid sorry server address/port '${ip.text}${port ? ' ' + port.text : ''}'${r.portProblem ? ` (${r.portProblem})` : ''}: keepalived skips it`);
      return;
    }
    const p = port ? readUnsigned(port.text, 0, 65535) : undefined;
    vs.sorryServer = valueOf({ address: ip.text, ...(p?.ok ? { port: p.value } : {}) }, ip.loc);
  },
  sorry_server_inhibit: (vs, stmt, ctx) => {
    if (!vs.sorryServer) report(ctx, 'sorry-server-missing', 'error', stmt.loc, 'sorry_server_inhibit before or without sorry_server: keepalived ignores it');
  },
  sorry_server_lvs_method: (vs, stmt, ctx) => {
    if (!vs.sorryServer) {
      report(ctx, 'sorry-server-missing', 'error', stmt.loc, 'sorry_server_lvs_method without sorry_server: keepalived ignores it');
      return;
    }
    forwarding(ctx, stmt, 'sorry');
  },
};

/** sh-port/sh-fallback and mh-port/mh-fallback only mean something after `lb_algo sh|mh`. */
function schedulerFlag(sched: 'sh' | 'mh'): (vs: VS, stmt: Statement, ctx: BuildContext) => void {
  return (vs, stmt, ctx) => {
    const current = vs.lbAlgo?.value;
    if (current === 'sh' || current === 'mh') return;
    report(ctx, 'scheduler-flag-ignored', 'error', stmt.loc, `${stmt.keyword.text} only applies to the ${sched} scheduler (set lb_algo ${sched} before it): keepalived ignores it`);
  };
}

function lbAlgo(vs: VS, stmt: Statement, ctx: BuildContext): void {
  const t = needArg(ctx, stmt, 1);
  if (!t) return;
  if (!SCHEDULERS.has(t.text)) {
    report(ctx, 'lb-algo-invalid', 'error', t.loc, `unknown LVS scheduler '${t.text}': keepalived ignores it (default wlc)`,
      `schedulers: ${[...SCHEDULERS].join(' ')}`);
    return;
  }
  vs.lbAlgo = valueOf(t.text, t.loc);
}

/** Parses `virtual_server IP PORT | fwmark N | group NAME` (already validated by the parse hooks). */
export function newVirtualServer(stmt: Statement, ctx: BuildContext): VS | undefined {
  const p1 = needArg(ctx, stmt, 1);
  if (!p1) return undefined;
  const p2 = stmt.args[1];
  let target: VirtualServer['target'];
  if (p1.text === 'group') target = { kind: 'group', group: p2?.text ?? '' };
  else if (p1.text === 'fwmark') target = { kind: 'fwmark', fwmark: Number(p2?.text ?? 0) };
  else {
    const port = p2 && /[^0]/.test(p2.text) ? Number(p2.text) : undefined;
    target = { kind: 'address', address: p1.text, family: familyOf(p1.text), ...(port !== undefined ? { port } : {}) };
  }
  return { target, loc: stmt.loc, statements: [], realServers: [] };
}

export function applyVirtualServer(vs: VS, block: BlockNode | undefined, ctx: BuildContext): void {
  for (const s of block?.statements ?? []) {
    vs.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    if (s.keyword.text === 'real_server') {
      const rs = newRealServer(s, ctx);
      if (!rs) continue;
      applyRealServer(rs, s.block, ctx);
      if (rs.port === undefined && vs.target.kind === 'address' && vs.target.port !== undefined) rs.port = vs.target.port;
      vs.realServers.push(rs);
      continue;
    }
    VS_HANDLERS[s.keyword.text]?.(vs, s, ctx);
  }
}

function newRealServer(stmt: Statement, ctx: BuildContext): RS | undefined {
  const ip = needArg(ctx, stmt, 1);
  if (!ip) return undefined;
  const port = stmt.args[1] && /[^0]/.test(stmt.args[1].text) ? Number(stmt.args[1].text) : undefined;
  return { address: ip.text, family: familyOf(ip.text), ...(port !== undefined ? { port } : {}), loc: stmt.loc, statements: [], checkers: [] };
}

const RS_HANDLERS: Readonly<Record<string, (rs: RS, stmt: Statement, ctx: BuildContext) => void>> = {
  weight: (rs, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, INT_MAX, { code: 'weight-invalid', consequence: 'keepalived ignores it' });
    if (v) rs.weight = v;
  },
  lvs_method: (rs, stmt, ctx) => {
    const m = forwarding(ctx, stmt, 'real');
    if (m) rs.lvsMethod = valueOf(m, stmt.args[0]?.loc ?? stmt.loc);
  },
  uthreshold: (rs, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, UINT_MAX, { code: 'threshold-invalid' });
    if (v) rs.uthreshold = v;
  },
  lthreshold: (rs, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, UINT_MAX, { code: 'threshold-invalid' });
    if (v) rs.lthreshold = v;
  },
  inhibit_on_failure: (rs, stmt, ctx) => {
    const v = flagArg(ctx, stmt);
    if (v) rs.inhibitOnFailure = v;
  },
  notify_up: (rs, stmt, ctx) => {
    if (rs.notifyUp) {
      report(ctx, 'notify-duplicate', 'error', stmt.loc, 'notify_up script already specified: keepalived ignores this one');
      return;
    }
    const s = notifyScript(ctx, stmt);
    if (s) rs.notifyUp = s;
  },
  notify_down: (rs, stmt, ctx) => {
    if (rs.notifyDown) {
      report(ctx, 'notify-duplicate', 'error', stmt.loc, 'notify_down script already specified: keepalived ignores this one');
      return;
    }
    const s = notifyScript(ctx, stmt);
    if (s) rs.notifyDown = s;
  },
  alpha: (_rs, stmt, ctx) => void flagArg(ctx, stmt),
  retry: (_rs, stmt, ctx) => void unsignedArg(ctx, stmt, 1, 1, UINT_MAX, { code: 'retry-invalid' }),
  delay_before_retry: (_rs, stmt, ctx) => void timer(0, 'delay-before-retry-invalid')(ctx, stmt),
  warmup: (_rs, stmt, ctx) => void timer(0, 'warmup-invalid')(ctx, stmt),
  connect_timeout: (_rs, stmt, ctx) => void timerArg(ctx, stmt, 1, 1, UINT_MAX, { code: 'connect-timeout-invalid' }),
  delay_loop: (_rs, stmt, ctx) => void timerArg(ctx, stmt, 1, 1, Number.MAX_SAFE_INTEGER, { code: 'delay-loop-invalid' }),
  smtp_alert: (_rs, stmt, ctx) => void flagArg(ctx, stmt),
  virtualhost: (_rs, stmt, ctx) => {
    if (stmt.args.length === 0) report(ctx, 'option-missing-value', 'error', stmt.loc, 'real server virtualhost without a name: keepalived ignores it');
  },
  snmp_name: snmpName('real'),
};

function snmpName(kind: string): (_t: unknown, stmt: Statement, ctx: BuildContext) => void {
  return (_t, stmt, ctx) => {
    if (stmt.args.length !== 1) report(ctx, 'option-invalid', 'error', stmt.loc, `${kind} server snmp_name needs exactly one name: keepalived ignores it`);
  };
}

const CHECKERS: Readonly<Record<string, CheckerType>> = {
  TCP_CHECK: 'TCP_CHECK', HTTP_GET: 'HTTP_GET', SSL_GET: 'SSL_GET', MISC_CHECK: 'MISC_CHECK', SMTP_CHECK: 'SMTP_CHECK',
  DNS_CHECK: 'DNS_CHECK', UDP_CHECK: 'UDP_CHECK', PING_CHECK: 'PING_CHECK', FILE_CHECK: 'FILE_CHECK', BFD_CHECK: 'BFD_CHECK',
};

function applyRealServer(rs: RS, block: BlockNode | undefined, ctx: BuildContext): void {
  for (const s of block?.statements ?? []) {
    rs.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    const type = CHECKERS[s.keyword.text];
    if (type) {
      rs.checkers.push(buildChecker(type, s, ctx));
      continue;
    }
    RS_HANDLERS[s.keyword.text]?.(rs, s, ctx);
  }
}

const CHECKER_HANDLERS: Readonly<Record<string, (c: CK, stmt: Statement, ctx: BuildContext) => void>> = {
  connect_ip: (c, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (!parseAddress(t.text)) report(ctx, 'checker-address-invalid', 'error', t.loc, `invalid connect_ip address '${t.text}': keepalived ignores it`);
    else c.connectIp = valueOf(t.text, t.loc);
  },
  connect_port: (c, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 65535, { code: 'checker-port-invalid' });
    if (v) c.connectPort = v;
  },
  bindto: (c, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (!parseAddress(t.text)) report(ctx, 'checker-address-invalid', 'error', t.loc, `invalid bindto address '${t.text}': keepalived ignores it`);
    else c.bindto = valueOf(t.text, t.loc);
  },
  bind_port: (c, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 1, 65535, { code: 'checker-port-invalid' });
    if (v) c.bindPort = v;
  },
  bind_if: (c, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (!t) return;
    if (t.text.length >= IFNAMSIZ) report(ctx, 'interface-name-too-long', 'error', t.loc, `interface name '${t.text}' is too long: keepalived ignores it`);
    else c.bindIf = valueOf(t.text, t.loc);
  },
  connect_timeout: (c, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, UINT_MAX, { code: 'connect-timeout-invalid' });
    if (v) c.connectTimeoutUs = v;
  },
  fwmark: (c, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, UINT_MAX, { code: 'checker-fwmark-invalid' });
    if (v) c.fwmark = v;
  },
  retry: (c, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, UINT_MAX, { code: 'retry-invalid' });
    if (v) c.retry = v;
  },
  delay_before_retry: (c, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 0, UINT_MAX * TIMER_HZ, { code: 'delay-before-retry-invalid' });
    if (v) c.delayBeforeRetryUs = v;
  },
  warmup: (c, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 0, UINT_MAX * TIMER_HZ, { code: 'warmup-invalid' });
    if (v) c.warmupUs = v;
  },
  delay_loop: (c, stmt, ctx) => {
    const v = timerArg(ctx, stmt, 1, 1, Number.MAX_SAFE_INTEGER, { code: 'delay-loop-invalid' });
    if (v) c.delayLoopUs = v;
  },
  alpha: (c, stmt, ctx) => {
    const v = flagArg(ctx, stmt);
    if (v) c.alpha = v;
  },
  log_all_failures: (c, stmt, ctx) => {
    const v = flagArg(ctx, stmt);
    if (v) c.logAllFailures = v;
  },
  nb_get_retry: (c, stmt, ctx) => {
    report(ctx, 'nb-get-retry-deprecated', 'warning', stmt.loc, "nb_get_retry is deprecated: use 'retry'");
    const v = unsignedArg(ctx, stmt, 1, 0, UINT_MAX, { code: 'retry-invalid' });
    if (v) c.retry = v;
  },
  virtualhost: (c, stmt, ctx) => {
    const v = stringArg(ctx, stmt);
    if (v) c.virtualhost = v;
  },
  misc_path: (c, stmt, ctx) => {
    const t = stmt.args[0];
    if (commandWords(ctx, stmt, { crashes: true }) && t) c.miscPath = valueOf(stmt.args.map((a) => a.text).join(' '), t.loc);
  },
  misc_timeout: (c, stmt, ctx) => {
    const v = unsignedArg(ctx, stmt, 1, 0, Math.floor(UINT_MAX / TIMER_HZ), { code: 'misc-timeout-invalid' });
    if (v) c.miscTimeoutS = v;
  },
  misc_dynamic: (c, stmt) => {
    c.miscDynamic = valueOf(true, stmt.loc);
  },
  user: (c, stmt, ctx) => {
    const u = userArg(ctx, stmt);
    if (u) c.user = u;
  },
  track_file: (c, stmt, ctx) => {
    const v = stringArg(ctx, stmt);
    if (v) c.trackName = v;
  },
  name: (c, stmt, ctx) => {
    const v = stringArg(ctx, stmt);
    if (v) c.trackName = v;
  },
  weight: (c, stmt, ctx) => {
    const t = needArg(ctx, stmt, 1);
    if (t) c.weight = valueOf(Number.parseInt(t.text, 10), t.loc);
  },
};

function buildChecker(type: CheckerType, stmt: Statement, ctx: BuildContext): CK {
  const c: CK = { type, loc: stmt.loc, statements: [], urls: [], hosts: [] };
  if (stmt.block?.end) c.end = stmt.block.end;
  for (const s of stmt.block?.statements ?? []) {
    c.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    if (s.keyword.text === 'url') c.urls.push(buildUrl(s, ctx));
    else if (s.keyword.text === 'host') c.hosts.push(buildChecker(type, s, ctx));
    else CHECKER_HANDLERS[s.keyword.text]?.(c, s, ctx);
  }
  const block = stmt.block;
  if (block && !block.endedBySkip && (type === 'HTTP_GET' || type === 'SSL_GET') && !c.urls.some((u) => u.path)) {
    report(ctx, 'http-check-no-url', 'error', block.end ?? stmt.loc, `${type} has no url: keepalived ignores the checker`);
  }
  if (block && !block.endedBySkip && type === 'BFD_CHECK' && !c.trackName) {
    report(ctx, 'bfd-check-no-name', 'error', block.end ?? stmt.loc, 'BFD_CHECK has no name: keepalived skips the checker');
  }
  if (block && !block.endedBySkip && type === 'MISC_CHECK' && !c.miscPath) {
    report(ctx, 'misc-check-no-path', 'error', block.end ?? stmt.loc, 'MISC_CHECK has no misc_path: keepalived skips the checker');
  }
  return c;
}

function buildUrl(stmt: Statement, ctx: BuildContext): Draft<HttpUrl> {
  const u: Draft<HttpUrl> = { loc: stmt.loc, statements: [] };
  if (stmt.block?.end) u.end = stmt.block.end;
  for (const s of stmt.block?.statements ?? []) {
    u.statements.push(rawOf(s));
    if (!s.known || s.skipped) continue;
    const v = stringArg(ctx, s);
    if (!v) continue;
    switch (s.keyword.text) {
      case 'path': u.path = v; break;
      case 'digest':
        if (u.digest) report(ctx, 'url-digest-duplicate', 'error', v.loc, `digest given twice for this url: keepalived ignores '${v.value}'`);
        else if (!/^[0-9a-fA-F]{32}$/.test(v.value)) report(ctx, 'url-digest-invalid', 'error', v.loc, `digest '${v.value}' is not 32 hex digits: keepalived ignores it`);
        else u.digest = v;
        break;
      case 'status_code':
        for (const a of s.args) {
          const m = /^(\d+)(?:-(\d+))?$/.exec(a.text);
          const lo = Number(m?.[1]);
          const hi = Number(m?.[2] ?? m?.[1]);
          if (!m || lo < 100 || hi > 599 || lo > hi) report(ctx, 'url-status-code-invalid', 'error', a.loc, `invalid HTTP status code '${a.text}': keepalived ignores it`);
        }
        u.statusCode = v;
        break;
      case 'virtualhost': u.virtualhost = v; break;
      case 'regex': u.regex = v; break;
      default: break;
    }
  }
  if (stmt.block && !stmt.block.endedBySkip && !u.path) {
    report(ctx, 'url-no-path', 'error', stmt.block.end ?? stmt.loc, 'url has no path: keepalived ignores it');
  }
  return u;
}

export function buildVirtualServerGroup(stmt: Statement, ctx: BuildContext): Draft<VirtualServerGroup> | undefined {
  const name = needArg(ctx, stmt, 1);
  if (!name) return undefined;
  const g: Draft<VirtualServerGroup> = { name: name.text, loc: stmt.loc, statements: [], entries: [] };
  if (stmt.values?.end) g.end = stmt.values.end;
  for (const item of stmt.values?.items ?? []) {
    const [first, second] = item.tokens;
    if (!first) continue;
    if (first.text === 'fwmark') {
      if (!second) {
        report(ctx, 'missing-parameter', 'error', first.loc, missingParameterMessage('fwmark', 'fwmark', 2));
        continue;
      }
      if (!readUnsigned(second.text, 0, UINT_MAX).ok) {
        report(ctx, 'vsg-entry-invalid', 'error', second.loc, `(${g.name}) fwmark '${second.text}' is invalid: keepalived ignores it`);
        continue;
      }
      const fam = item.tokens[2];
      if (fam && fam.text !== 'inet' && fam.text !== 'inet6') {
        report(ctx, 'vsg-entry-invalid', 'error', fam.loc, `(${g.name}) unknown family '${fam.text}' for fwmark ${second.text}: keepalived ignores it`);
        continue;
      }
      g.entries.push({ kind: 'fwmark', text: item.tokens.map((t) => t.text).join(' '), loc: first.loc });
      continue;
    }
    const r = readSockaddr(first.text, second?.text);
    if (!r.ok) {
      report(ctx, 'vsg-entry-invalid', 'error', first.loc,
        `(${g.name}) invalid virtual server group address/port '${first.text}${second ? ' ' + second.text : ''}'${r.portProblem ? ` (${r.portProblem})` : ''}: keepalived skips it`);
      continue;
    }
    g.entries.push({ kind: 'address', text: item.tokens.map((t) => t.text).join(' '), loc: first.loc });
  }
  if (g.entries.length === 0) {
    report(ctx, 'vsg-empty', 'error', stmt.values?.end ?? stmt.loc, `virtual server group ${g.name} has no entries: keepalived removes it`);
  }
  return g;
}
