/**
 * The handler checks that make keepalived skip a whole block (skip_block), and
 * so change how the following lines are parsed: a block without a name or with
 * a name already used, a virtual or real server whose address keepalived
 * cannot read, a second group list in a sync group.
 *
 * They run while parsing, in file order, with the names seen so far.
 */
import { describeNumberProblem, readUnsigned } from './numbers.js';
import { familyOf, parseAddress } from './ip.js';
import type { ParseHooks, SkipVerdict } from './parser.js';
import type { BlockKind } from './schema.js';
import type { Reporter, Token } from './source.js';

const IPVS_FWMARK_MAX = 4294967295;

/** inet_stosockaddr(): `IP[-RANGE|/MASK]` and an optional port (1..65535; "0…" means none). */
export function readSockaddr(ip: string, port: string | undefined): { ok: boolean; portProblem?: string } {
  const portText = port !== undefined && /[^0]/.test(port) ? port : undefined;
  if (portText !== undefined) {
    const r = readUnsigned(portText, 1, 65535);
    if (!r.ok) return { ok: false, portProblem: r.problems[0] ? describeNumberProblem(portText, r.problems[0]) : 'invalid port' };
  }
  const cut = ip.search(/[-/]/);
  const a = parseAddress(cut >= 0 ? ip.slice(0, cut) : ip);
  return { ok: a !== undefined && a.family === familyOf(ip) };
}

export class KeepalivedParseHooks implements ParseHooks {
  private readonly names = new Map<string, Set<string>>();
  private readonly groupListSeen = new Set<string>();
  private currentSyncGroup = '';
  private currentTrackGroup = '';

  onStatement(kind: BlockKind, keyword: Token, args: readonly Token[], reporter: Reporter): SkipVerdict {
    const k = `${kind}/${keyword.text}`;
    switch (k) {
      case 'root/vrrp_instance':
        return this.named('vrrp_instance', keyword, args, reporter, 'vrrp instance');
      case 'root/vrrp_sync_group': {
        const v = this.named('vrrp_sync_group', keyword, args, reporter, 'vrrp sync group');
        this.currentSyncGroup = `sync:${args[0]?.text ?? ''}`;
        return v;
      }
      case 'root/track_group': {
        const v = this.named('track_group', keyword, args, reporter, 'track group');
        this.currentTrackGroup = `track:${args[0]?.text ?? ''}`;
        return v;
      }
      case 'vrrp_sync_group/group':
        return this.groupList(this.currentSyncGroup, keyword, reporter);
      case 'track_group/group':
        return this.groupList(this.currentTrackGroup, keyword, reporter);
      case 'root/virtual_server':
        return this.virtualServer(keyword, args, reporter);
      case 'virtual_server/real_server':
        return this.realServer(keyword, args, reporter);
      default:
        return undefined;
    }
  }

  private named(set: string, keyword: Token, args: readonly Token[], reporter: Reporter, what: string): SkipVerdict {
    const name = args[0];
    if (!name || args.length !== 1) {
      reporter.report(`${set.replace(/_/g, '-')}-name-missing`, 'error', keyword.loc,
        `${keyword.text} must have exactly one name: keepalived skips this block`);
      return 'skip-block';
    }
    const seen = this.names.get(set) ?? new Set<string>();
    this.names.set(set, seen);
    if (seen.has(name.text)) {
      reporter.report(`${set.replace(/_/g, '-')}-duplicate`, 'error', name.loc, `${what} ${name.text} is already defined: keepalived skips this block`);
      return 'skip-block';
    }
    seen.add(name.text);
    return undefined;
  }

  private groupList(owner: string, keyword: Token, reporter: Reporter): SkipVerdict {
    if (this.groupListSeen.has(owner)) {
      reporter.report('group-list-duplicate', 'error', keyword.loc,
        'the group list was already given: keepalived skips this block, and its skip also ends the enclosing block');
      return 'skip-block';
    }
    this.groupListSeen.add(owner);
    return undefined;
  }

  private virtualServer(keyword: Token, args: readonly Token[], reporter: Reporter): SkipVerdict {
    const [p1, p2] = args;
    if (!p1) return undefined; // reported as a missing parameter by the builder
    if (p1.text === 'group') return undefined;
    if (p1.text === 'fwmark') {
      const r = readUnsigned(p2?.text ?? '', 0, IPVS_FWMARK_MAX);
      if (!r.ok || !p2) {
        reporter.report('virtual-server-invalid', 'error', (p2 ?? keyword).loc,
          `virtual server fwmark '${p2?.text ?? ''}' must be a number in [0, ${IPVS_FWMARK_MAX}]: keepalived skips this virtual server`);
        return 'skip-block';
      }
      return undefined;
    }
    const r = readSockaddr(p1.text, p2?.text);
    if (!r.ok) {
      reporter.report('virtual-server-invalid', 'error', p1.loc,
        `invalid virtual server address/port '${p1.text}${p2 ? ' ' + p2.text : ''}'${r.portProblem ? ` (${r.portProblem})` : ''}: keepalived skips this virtual server`);
      return 'skip-block';
    }
    return undefined;
  }

  private realServer(keyword: Token, args: readonly Token[], reporter: Reporter): SkipVerdict {
    const [ip, port] = args;
    if (!ip) return undefined;
    const r = readSockaddr(ip.text, port?.text);
    if (!r.ok) {
      reporter.report('real-server-invalid', 'error', ip.loc,
        `invalid real server address/port '${ip.text}${port ? ' ' + port.text : ''}'${r.portProblem ? ` (${r.portProblem})` : ''}: keepalived skips this real server`);
      return 'skip-block';
    }
    void keyword;
    return undefined;
  }
}
