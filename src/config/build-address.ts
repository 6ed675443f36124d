/**
 * Address, route and rule lines (keepalived's alloc_ipaddress, alloc_route,
 * alloc_rule), used by virtual_ipaddress, virtual_ipaddress_excluded,
 * virtual_routes, virtual_rules and the static_* blocks.
 *
 * Each function takes one value-block item (one line, one address) and
 * returns the model object, or undefined when keepalived drops the line.
 * Messages go to the line of the item, as keepalived reports them.
 */
import type { Draft, IpAddress, IpRoute, IpRule, Value } from './model.js';
import { readUnsigned } from './numbers.js';
import { familyOf, formatAddress, parseAddress, type Family } from './ip.js';
import { interfaceExists, report, valueOf, type BuildContext } from './build-context.js';
import type { ValueItem } from './parser.js';
import type { Token } from './source.js';

/** The scopes iproute2's rt_scopes table knows (find_rttables_scope). */
const SCOPES = new Set(['global', 'universe', 'site', 'link', 'host', 'nowhere']);
const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve']);
const RULE_ACTIONS = new Set(['blackhole', 'prohibit', 'unreachable']);
export const IFNAMSIZ = 16;

/** parse_ipaddress(): `ADDR[/LEN]`. */
export function parseIpWithPrefix(
  ctx: BuildContext, t: Token, allowPrefix = true,
): { address: string; family: Family; prefixLength: number; prefixWritten: boolean } | undefined {
  const family = familyOf(t.text);
  const max = family === 'inet' ? 32 : 128;
  let prefixLength = max;
  const slash = allowPrefix ? t.text.indexOf('/') : -1;
  const addrText = slash >= 0 ? t.text.slice(0, slash) : t.text;
  if (slash >= 0) {
    const lenText = t.text.slice(slash + 1);
    const r = readUnsigned(lenText, 0, max);
    if (r.ok) prefixLength = r.value;
    else {
      report(ctx, 'address-prefix-invalid', 'error', t.loc,
        `invalid prefix length '${lenText}' for address ${t.text}: keepalived uses /${max}`);
    }
  }
  const parsed = parseAddress(addrText);
  if (!parsed || parsed.family !== family) {
    report(ctx, 'address-invalid', 'error', t.loc, `invalid IP address '${t.text}': keepalived skips it`,
      'placeholders (VIP, <ip>, $var) must be replaced by real addresses');
    return undefined;
  }
  return { address: formatAddress(parsed), family, prefixLength, prefixWritten: slash >= 0 };
}

/** Options of an address line that take a value. */
const ADDRESS_PARAM_WORDS = new Set(['dev', 'scope', 'broadcast', 'brd', 'label', 'peer', 'preferred_lft']);
const ADDRESS_FLAGS = new Set(['home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin']);

/** alloc_ipaddress(): one address line with its options. */
export function buildIpAddress(ctx: BuildContext, item: ValueItem, isStatic: boolean): IpAddress | undefined {
  const [first, ...rest] = item.tokens;
  if (!first) return undefined;
  const ip = parseIpWithPrefix(ctx, first);
  if (!ip) return undefined;
  const out: Draft<IpAddress> = { text: first.text, ...ip, noTrack: false, options: [], loc: first.loc };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as Token;
    const takesParam = ADDRESS_PARAM_WORDS.has(word.text) || (isStatic && word.text === 'track_group');
    if (!takesParam) {
      addressFlag(ctx, out, word, isStatic);
      continue;
    }
    const p = rest[++i];
    if (!p) {
      report(ctx, 'address-option-missing-value', 'error', word.loc, `no ${word.text} value given for ${first.text}: keepalived skips the address`);
      return undefined;
    }
    if (!addressOption(ctx, out, word, p)) return undefined;
  }
  for (const field of ['scope', 'label'] as const) {
    const v = out[field];
    if (ip.family === 'inet6' && v) {
      report(ctx, `address-${field}-ipv6`, 'error', v.loc, `${field} cannot be given for IPv6 address ${first.text}: keepalived ignores it`);
      delete out[field];
    }
  }
  return out;
}

/** An address option without a value; unknown words are reported and ignored. */
function addressFlag(ctx: BuildContext, out: Draft<IpAddress>, word: Token, isStatic: boolean): void {
  if (word.text === 'no_track') out.noTrack = true;
  else if (ADDRESS_FLAGS.has(word.text) || (!isStatic && word.text === 'use_vmac')) out.options.push(valueOf(word.text, word.loc));
  else {
    report(ctx, 'address-option-unknown', 'error', word.loc,
      `unknown option '${word.text}' for ip address ${out.text}: keepalived ignores it`,
      parseAddress(word.text.split('/')[0] ?? '') ? 'put each address on its own line' : undefined);
  }
}

/** An address option with its value `p`; false when keepalived drops the whole address. */
function addressOption(ctx: BuildContext, out: Draft<IpAddress>, word: Token, p: Token): boolean {
  const drop = (code: string, at: Token, why: string): false => {
    report(ctx, code, 'error', at.loc, `${why}: keepalived skips the address`);
    return false;
  };
  switch (word.text) {
    case 'dev':
      if (out.dev) return drop('address-dev-duplicate', word, `dev given more than once for ${out.text}`);
      if (interfaceExists(ctx, p.text, p.loc, `address ${out.text}`) === false) {
        return drop('address-interface-missing', p, `interface ${p.text} for address ${out.text} does not exist on the host`);
      }
      out.dev = valueOf(p.text, p.loc);
      return true;
    case 'scope':
      if (!SCOPES.has(p.text) && !readUnsigned(p.text, 0, 255).ok) {
        report(ctx, 'address-scope-invalid', 'error', p.loc, `invalid scope '${p.text}' for ${out.text}: keepalived ignores it`);
      } else out.scope = valueOf(p.text, p.loc);
      return true;
    case 'broadcast':
    case 'brd':
      if (out.family === 'inet6') return drop('address-broadcast-ipv6', word, `broadcast given for IPv6 address ${out.text}`);
      if (p.text !== '+' && p.text !== '-' && !parseAddress(p.text)) return drop('address-broadcast-invalid', p, `invalid broadcast '${p.text}'`);
      out.broadcast = valueOf(p.text, p.loc);
      return true;
    case 'label':
      if (p.text.length >= IFNAMSIZ) return drop('address-label-too-long', p, `label '${p.text}' is longer than ${IFNAMSIZ - 1} characters`);
      out.label = valueOf(p.text, p.loc);
      return true;
    case 'peer':
      peerOption(ctx, out, p, out.family);
      return true;
    case 'preferred_lft':
      if (p.text !== 'forever' && !readUnsigned(p.text, 0, 4294967295).ok) {
        report(ctx, 'address-option-invalid', 'error', p.loc, `preferred_lft '${p.text}' is invalid: keepalived ignores it`);
      } else out.options.push(valueOf(`preferred_lft ${p.text}`, word.loc));
      return true;
    default:
      out.options.push(valueOf(`${word.text} ${p.text}`, word.loc));
      return true;
  }
}

function peerOption(ctx: BuildContext, out: Draft<IpAddress>, p: Token, family: Family): void {
  if (out.peer) {
    report(ctx, 'address-peer-duplicate', 'error', p.loc, `peer ${p.text}: another peer was already given; keepalived ignores it`);
    return;
  }
  const a = parseAddress(p.text);
  if (!a) report(ctx, 'address-peer-invalid', 'error', p.loc, `invalid peer address ${p.text}`);
  else if (a.family !== family) report(ctx, 'address-peer-family', 'error', p.loc, `peer address ${p.text} does not match the address family`);
  else {
    if (out.prefixWritten && out.prefixLength !== (family === 'inet' ? 32 : 128)) {
      report(ctx, 'address-peer-prefix', 'error', p.loc, 'a prefix cannot be given together with a peer address: keepalived ignores the prefix');
    }
    out.peer = valueOf(p.text, p.loc);
  }
}

/** Route words that take one parameter, and whether that parameter is an interface. */
const ROUTE_PARAM_WORDS = new Set([
  'src', 'via', 'gw', 'from', 'tos', 'dsfield', 'table', 'protocol', 'scope', 'metric', 'priority', 'preference',
  'dev', 'oif', 'expires', 'hoplimit', 'window', 'initcwnd', 'initrwnd', 'features', 'quickack', 'pref',
  'ttl-propagate', 'fastopen_no_cookie', 'realms', 'track_group', 'vrf', 'or', 'encap',
]);
const ROUTE_LOCKABLE = new Set(['mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'cwnd', 'ssthresh', 'rto_min', 'congctl']);
const ROUTE_FLAGS = new Set(['onlink', 'add', 'prepend', 'append', 'no_track', 'inet', 'inet6']);

/** alloc_route(): one route line. */
export function buildRoute(ctx: BuildContext, item: ValueItem, allowTrackGroup: boolean): IpRoute | undefined {
  const t = item.tokens;
  const out: Draft<IpRoute> = { text: t.map((x) => x.text).join(' '), noTrack: false, options: [], loc: item.loc };
  let family: Family | undefined;
  const setFamily = (f: Family, at: Token): boolean => {
    if (family && family !== f) {
      report(ctx, 'route-family-mixed', 'error', at.loc, 'route mixes IPv4 and IPv6 addresses: keepalived skips it');
      return false;
    }
    family = f;
    return true;
  };
  for (let i = 0; i < t.length; i++) {
    const w = t[i] as Token;
    if (w.text === 'nexthop') {
      out.options.push(valueOf(t.slice(i).map((x) => x.text).join(' '), w.loc));
      break;
    }
    if (ROUTE_FLAGS.has(w.text)) {
      if (w.text === 'no_track') out.noTrack = true;
      else if (w.text === 'inet' || w.text === 'inet6') {
        if (!setFamily(w.text, w)) return undefined;
      } else out.options.push(valueOf(w.text, w.loc));
      continue;
    }
    if (ROUTE_PARAM_WORDS.has(w.text) || ROUTE_LOCKABLE.has(w.text)) {
      let p = t[i + 1];
      if (ROUTE_LOCKABLE.has(w.text) && p?.text === 'lock') p = t[++i + 1];
      if (!p) {
        report(ctx, 'missing-parameter', 'error', w.loc, `route option '${w.text}' is missing its value: keepalived stops reading the configuration here (exit status 2)`);
        ctx.missingParameterSeen = true;
        return undefined;
      }
      i++;
      if (!routeParam(ctx, out, w, p, setFamily, allowTrackGroup)) return undefined;
      continue;
    }
    // Anything else is the destination, optionally after `to` and a route type.
    const next = routeDestination(ctx, out, t, i, setFamily);
    if (next === undefined) return undefined;
    i = next;
  }
  if (!out.destination) {
    report(ctx, 'route-no-destination', 'error', item.loc, 'route has no destination: keepalived skips it');
    return undefined;
  }
  if (!out.noTrack && !out.dev) {
    report(ctx, 'route-untracked', 'warning', item.loc,
      `route ${out.destination.value} has no interface (dev): keepalived cannot track it and will not`,
      'add "dev IFNAME", or "no_track" to say tracking is not wanted');
  }
  return out;
}

/** The destination at t[i] (after an optional `to` and type); the index of its last word, or undefined when the route is dropped. */
function routeDestination(
  ctx: BuildContext, out: Draft<IpRoute>, t: readonly Token[], i: number, setFamily: (f: Family, at: Token) => boolean,
): number | undefined {
  const w = t[i] as Token;
  let k = i;
  if (t[k]?.text === 'to') k++;
  const type = t[k];
  if (type && ROUTE_TYPES.has(type.text)) {
    out.type = valueOf(type.text, type.loc);
    k++;
  }
  const d = t[k];
  if (!d) {
    report(ctx, 'missing-parameter', 'error', w.loc, 'route is missing its destination: keepalived stops reading the configuration here (exit status 2)');
    ctx.missingParameterSeen = true;
    return undefined;
  }
  if (['default', 'any', 'all', 'default6'].includes(d.text)) {
    out.destination = valueOf(d.text === 'default6' ? 'default' : d.text, d.loc);
    return k;
  }
  const ip = parseRouteAddress(d.text);
  if (!ip) {
    report(ctx, 'route-keyword-unknown', 'error', d.loc, `unknown route keyword or invalid address '${d.text}': keepalived skips the route`);
    return undefined;
  }
  if (!setFamily(ip.family, d)) return undefined;
  out.destination = valueOf(d.text, d.loc);
  return k;
}

function parseRouteAddress(text: string): { family: Family } | undefined {
  const slash = text.indexOf('/');
  const a = parseAddress(slash >= 0 ? text.slice(0, slash) : text);
  if (!a) return undefined;
  if (slash >= 0 && !readUnsigned(text.slice(slash + 1), 0, a.family === 'inet' ? 32 : 128).ok) return undefined;
  return { family: a.family };
}

function routeParam(
  ctx: BuildContext, out: Draft<IpRoute>, w: Token, p: Token,
  setFamily: (f: Family, at: Token) => boolean, allowTrackGroup: boolean,
): boolean {
  const v = (): Value<string> => valueOf(p.text, p.loc);
  switch (w.text) {
    case 'via':
    case 'gw': {
      if (w.text === 'gw') {
        report(ctx, 'route-gw-deprecated', 'warning', w.loc, "'gw' in routes is deprecated: use 'via'");
      }
      const a = parseAddress(p.text);
      if (!a) {
        report(ctx, 'route-via-invalid', 'error', p.loc, `invalid route via address ${p.text}: keepalived skips the route`);
        return false;
      }
      if (!setFamily(a.family, p)) return false;
      out.via = v();
      return true;
    }
    case 'src': {
      const a = parseAddress(p.text);
      if (!a) {
        report(ctx, 'route-src-invalid', 'error', p.loc, `invalid route src address ${p.text}: keepalived skips the route`);
        return false;
      }
      if (!setFamily(a.family, p)) return false;
      out.src = v();
      return true;
    }
    case 'dev':
    case 'oif':
      if (interfaceExists(ctx, p.text, p.loc, 'route') === false) {
        report(ctx, 'route-interface-missing', 'error', p.loc, `interface ${p.text} for the route does not exist on the host: keepalived skips the route`);
        return false;
      }
      out.dev = v();
      return true;
    case 'table':
      out.table = v();
      return true;
    case 'metric':
    case 'priority':
    case 'preference': {
      const r = readUnsigned(p.text, 0, 4294967295);
      if (!r.ok) {
        report(ctx, 'route-metric-invalid', 'error', p.loc, `invalid route ${w.text} '${p.text}': keepalived skips the route`);
        return false;
      }
      out.metric = valueOf(r.value, p.loc);
      return true;
    }
    case 'or':
      report(ctx, 'route-or-deprecated', 'warning', w.loc, "'or' in routes is deprecated: use 'nexthop'");
      out.options.push(valueOf(`or ${p.text}`, w.loc));
      return true;
    case 'track_group':
      if (!allowTrackGroup) {
        report(ctx, 'route-keyword-unknown', 'error', w.loc, "track_group is only allowed in static_routes: keepalived skips the route");
        return false;
      }
      out.options.push(valueOf(`track_group ${p.text}`, w.loc));
      return true;
    default:
      out.options.push(valueOf(`${w.text} ${p.text}`, w.loc));
      return true;
  }
}

const RULE_PARAM_WORDS = new Set([
  'from', 'to', 'table', 'lookup', 'preference', 'order', 'priority', 'tos', 'dsfield', 'fwmark', 'realms',
  'suppress_prefixlength', 'sup_pl', 'suppress_ifgroup', 'sup_group', 'dev', 'iif', 'oif', 'tunnel-id',
  'uidrange', 'protocol', 'ipproto', 'sport', 'dport', 'track_group', 'goto',
]);

/** alloc_rule(): one rule line. */
export function buildRule(ctx: BuildContext, item: ValueItem, allowTrackGroup: boolean): IpRule | undefined {
  const t = item.tokens;
  const out: Draft<IpRule> = { text: t.map((x) => x.text).join(' '), noTrack: false, options: [], loc: item.loc };
  let action = false;
  for (let i = 0; i < t.length; i++) {
    const w = t[i] as Token;
    if (w.text === 'inet' || w.text === 'inet6' || w.text === 'l3mdev' || w.text === 'nop') {
      if (w.text === 'nop' || w.text === 'l3mdev') action = true;
      out.options.push(valueOf(w.text, w.loc));
      continue;
    }
    if (w.text === 'no_track') {
      out.noTrack = true;
      continue;
    }
    if (RULE_PARAM_WORDS.has(w.text) && (allowTrackGroup || w.text !== 'track_group')) {
      const p = t[i + 1];
      if (!p) {
        report(ctx, 'missing-parameter', 'error', w.loc, `rule option '${w.text}' is missing its value: keepalived stops reading the configuration here (exit status 2)`);
        ctx.missingParameterSeen = true;
        return undefined;
      }
      i++;
      if (!ruleParam(ctx, out, w, p)) return undefined;
      if (['table', 'lookup', 'goto'].includes(w.text)) action = true;
      continue;
    }
    const word = w.text === 'type' ? t[++i] : w;
    if (word && RULE_ACTIONS.has(word.text)) {
      action = true;
      out.options.push(valueOf(word.text, word.loc));
      continue;
    }
    report(ctx, 'rule-option-unknown', 'error', (word ?? w).loc, `unknown rule option '${(word ?? w).text}': keepalived skips the rule`);
    return undefined;
  }
  if (!action) {
    report(ctx, 'rule-no-action', 'error', item.loc, 'rule has no action (table, goto, nop, blackhole, …): keepalived skips it');
    return undefined;
  }
  if (!out.preference) {
    report(ctx, 'rule-no-preference', 'warning', item.loc,
      'rule has no preference: keepalived picks one counting down from 32767, which is probably not what you want',
      'give the rule an explicit "preference N"');
  }
  return out;
}

function ruleParam(ctx: BuildContext, out: Draft<IpRule>, w: Token, p: Token): boolean {
  switch (w.text) {
    case 'from':
    case 'to':
      if (!['default', 'any', 'all'].includes(p.text) && !parseRouteAddress(p.text)) {
        report(ctx, 'rule-address-invalid', 'error', p.loc, `invalid rule ${w.text} address ${p.text}: keepalived skips the rule`);
        return false;
      }
      out[w.text] = valueOf(p.text, p.loc);
      return true;
    case 'table':
    case 'lookup':
      out.table = valueOf(p.text, p.loc);
      return true;
    case 'preference':
    case 'order':
    case 'priority': {
      const r = readUnsigned(p.text, 0, 4294967295);
      if (!r.ok) {
        report(ctx, 'rule-preference-invalid', 'error', p.loc, `invalid rule preference '${p.text}': keepalived skips the rule`);
        return false;
      }
      out.preference = valueOf(r.value, p.loc);
      return true;
    }
    case 'dev':
    case 'iif':
    case 'oif':
      if (interfaceExists(ctx, p.text, p.loc, 'rule') === false) {
        report(ctx, 'rule-interface-missing', 'error', p.loc, `interface ${p.text} for the rule does not exist on the host: keepalived skips the rule`);
        return false;
      }
      if (w.text === 'oif') out.oif = valueOf(p.text, p.loc);
      else out.iif = valueOf(p.text, p.loc);
      return true;
    case 'fwmark':
      out.fwmark = valueOf(p.text, p.loc);
      return true;
    default:
      out.options.push(valueOf(`${w.text} ${p.text}`, w.loc));
      return true;
  }
}
