/**
 * The event words: `T WORD NODE [ARG]`, the one line grammar shared by
 * `vrrp-lab simulate --event`, `.scenario` files and the keepalived recordings.
 *
 * Theory of operation: a line is split on blanks into tokens that remember their
 * column; the first token is a time in seconds (decimals allowed, at most six,
 * because time is integer microseconds), the second a word from WORDS, the rest
 * the word's arguments. Every mistake becomes a Diagnostic pointing at the token
 * that is wrong, never an exception, so a file can report all its mistakes at once.
 *
 * Rules:
 * - Times are parsed from the digits, never through a float, so "3.609375" is
 *   exactly 3 609 375 µs.
 * - Node names are checked here only when the caller knows them (`nodes`).
 * - Scripts and interfaces are checked later, against the node's configuration;
 *   real servers and virtual services too (they come from the configurations).
 */
import type { ClusterEvent, TimedEvent } from '../core/backend.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { NodeId } from '../core/ids.js';
import { formatSeconds, instant, type Instant } from '../core/time.js';
import type { SourceLocation } from '../core/errors.js';
import { MAX_CLIENT_RATE, MAX_RUN_US, RUN_LIMIT_TEXT } from './bounds.js';

/** A timed event plus where it was written, so later checks can point at it. */
export interface ScenarioEvent extends TimedEvent {
  readonly location?: SourceLocation;
  /** Columns of the arguments after the word, so later checks can point at the one that is wrong. */
  readonly argColumns?: readonly number[];
}

export interface Token {
  readonly text: string;
  /** 1-based column of the token's first character. */
  readonly column: number;
}

/** Split on blanks, remembering columns (1-based, relative to `columnOffset`). */
export function tokenize(line: string, columnOffset = 0): Token[] {
  const tokens: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    tokens.push({ text: m[0], column: m.index + 1 + columnOffset });
  }
  return tokens;
}

/** What each word takes, for parsing and for the usage text. */
export const EVENT_WORDS = {
  start: 'NODE',
  stop: 'NODE',
  kill: 'NODE',
  pause: 'NODE',
  resume: 'NODE',
  fail: 'NODE SCRIPT',
  ok: 'NODE SCRIPT',
  linkdown: 'NODE [INTERFACE]',
  linkup: 'NODE [INTERFACE]',
  partition: 'GROUP GROUP… (members joined by commas)',
  oneway: 'FROM TO',
  heal: '',
  loss: 'NODE RATIO',
  clients: 'RATE [DURATION] [hold SECONDS] [to VIP:PORT]',
  rsdown: 'SERVER [stop|crash]',
  rsup: 'SERVER',
} as const satisfies Record<ClusterEvent['kind'], string>;

export type EventWord = keyof typeof EVENT_WORDS;

export const isEventWord = (w: string): w is EventWord => Object.prototype.hasOwnProperty.call(EVENT_WORDS, w);

const TIME_RE = /^(\d+)(?:\.(\d{1,6}))?$/;
/** Scientific notation ("1e9", "2.5e3"): read from its digits too, so it is exact or refused. */
const EXP_TIME_RE = /^(\d+)(?:\.(\d+))?[eE]\+?(\d{1,3})$/;

/** Seconds as written ("6", "3.5", "0.000001", "1e3") to microseconds; undefined when malformed or not a safe integer. */
export function parseSeconds(text: string): Instant | undefined {
  const plain = TIME_RE.exec(text) ?? exponentToPlain(text);
  if (plain === null) return undefined;
  const whole = Number(plain[1]);
  const frac = Number((plain[2] ?? '').padEnd(6, '0'));
  const us = whole * 1_000_000 + frac;
  return Number.isSafeInteger(us) ? instant(us) : undefined;
}

/** "2.5e3" → the match "2500" would give; null when not an exponent form or below a microsecond. */
function exponentToPlain(text: string): [string, string, string | undefined] | null {
  const m = EXP_TIME_RE.exec(text);
  if (m === null) return null;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const point = (m[1] as string).length + Number(m[3]);
  const whole = (point >= digits.length ? digits.padEnd(point, '0') : digits.slice(0, point)).replace(/^0+(?=\d)/, '');
  const frac = point >= digits.length ? '' : digits.slice(point).replace(/0+$/, '');
  if (frac.length > 6 || whole.length > 20) return null;
  return [text, whole, frac === '' ? undefined : frac];
}

/** Written like a time but too large to be one (parseSeconds refused it for its size, not its form). */
export function isOversizedTime(text: string): boolean {
  if (parseSeconds(text) !== undefined) return false;
  const m = TIME_RE.exec(text) ?? EXP_TIME_RE.exec(text);
  return m !== null && Number(text) >= Number.MAX_SAFE_INTEGER / 1_000_000;
}

/** Why a time was refused: its size (naming the longest run) or its form. */
export function badTimeMessage(text: string, expected: string): string {
  return isOversizedTime(text) ? `time '${text}' is beyond the longest run, ${RUN_LIMIT_TEXT}` : `bad time '${text}': expected ${expected}`;
}

/**
 * A run's end as written (`until 20`, `--until 1e3`): at most the longest run.
 * The error names the limit whether the number is merely large or too large to be a time.
 */
export function parseRunEnd(text: string): Instant | { readonly error: string; readonly tooLong: boolean } {
  const t = parseSeconds(text);
  const tooLong = (t !== undefined && t > MAX_RUN_US) || isOversizedTime(text);
  if (tooLong) return { error: `the end ${text} s is beyond the longest run, ${RUN_LIMIT_TEXT}`, tooLong };
  if (t === undefined) return { error: badTimeMessage(text, 'seconds such as 20 or 12.5'), tooLong };
  return t;
}

export interface ParseContext {
  readonly file: string;
  readonly line: number;
  /** Known node ids; when given, unknown nodes are errors. */
  readonly nodes?: readonly NodeId[];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** A diagnostic at one token (or at the end of the line when the token is missing). */
export function diagnosticAt(ctx: ParseContext, column: number, code: string, message: string, hint?: string): Diagnostic {
  return { code, severity: 'error', message, file: ctx.file, line: ctx.line, column, ...(hint ? { hint } : {}) };
}

/** Parse `T WORD ARGS…` given as tokens (the caller may have stripped a leading keyword). */
export function parseEventTokens(tokens: readonly Token[], ctx: ParseContext, endColumn: number): Parsed<ScenarioEvent> {
  const [timeTok, wordTok, ...args] = tokens;
  if (timeTok === undefined) return fail(ctx, endColumn, 'event-missing-time', 'expected an event: T WORD NODE [ARG]');
  const at = parseSeconds(timeTok.text);
  if (at === undefined) return fail(ctx, timeTok.column, 'event-bad-time', badTimeMessage(timeTok.text, 'seconds such as 6 or 3.5 (at most 6 decimals)'));
  if (wordTok === undefined) return fail(ctx, endColumn, 'event-missing-word', `expected an event word after the time (${wordList()})`);
  if (!isEventWord(wordTok.text)) {
    return fail(ctx, wordTok.column, 'event-unknown-word', `unknown event word '${wordTok.text}'`, `known words: ${wordList()}`);
  }
  const built = buildEvent(wordTok.text, args, ctx, endColumn);
  if (!built.ok) return built;
  const unknown = checkNodes(built.value, args, ctx);
  if (unknown.length > 0) return { ok: false, diagnostics: unknown };
  const location = { file: ctx.file, line: ctx.line, column: timeTok.column };
  return { ok: true, value: { at, event: built.value, location, argColumns: args.map((t) => t.column) } };
}

/**
 * `T end` closes a run the way recordings of real keepalived close theirs: every
 * node is stopped gracefully at T (so its last transition is to STOP) and the run
 * ends END_GRACE_US later. Event lines after it are not run — recordings use that
 * to keep a node from starting at 0 — so it is the only word whose position in the
 * list matters.
 */
export const END_GRACE_US = 1_500_000;

/**
 * Every word an event line may start with and what it takes: EVENT_WORDS,
 * then `end`, which closes the run (splitAtEnd). The one list that `simulate
 * --help`, the "known words" hint and the README show.
 */
export const EVENT_WORD_USAGE: Readonly<Record<string, string>> = {
  ...EVENT_WORDS,
  end: `(stop every node gracefully and end the run ${END_GRACE_US / 1e6} s later; later lines are not run)`,
};

export interface EndSplit<L> {
  readonly lines: L[];
  readonly endAt?: Instant;
  /** How many lines followed `end` and were left out. */
  readonly ignored: number;
}

export function splitAtEnd<L extends { readonly tokens: readonly Token[] }>(lines: readonly L[]): EndSplit<L> {
  const kept: L[] = [];
  for (const [i, line] of lines.entries()) {
    const [time, word, extra] = line.tokens;
    const at = time === undefined ? undefined : parseSeconds(time.text);
    if (word?.text === 'end' && at !== undefined && extra === undefined) return { lines: kept, endAt: at, ignored: lines.length - i - 1 };
    kept.push(line);
  }
  return { lines: kept, ignored: 0 };
}

/** The graceful stops `T end` stands for. */
export function endEvents(endAt: Instant, nodes: readonly NodeId[]): ScenarioEvent[] {
  return nodes.map((node) => ({ at: endAt, event: { kind: 'stop', node } }));
}

/** Parse one whole event line such as "6 kill lb1". */
export function parseEventLine(line: string, ctx: ParseContext): Parsed<ScenarioEvent> {
  return parseEventTokens(tokenize(line), ctx, line.length + 1);
}

function wordList(): string {
  return Object.keys(EVENT_WORD_USAGE).join(', ');
}

function fail(ctx: ParseContext, column: number, code: string, message: string, hint?: string): Parsed<never> {
  return { ok: false, diagnostics: [diagnosticAt(ctx, column, code, message, hint)] };
}

function buildEvent(word: EventWord, args: readonly Token[], ctx: ParseContext, endColumn: number): Parsed<ClusterEvent> {
  const arity = (min: number, max: number, usage: string): Parsed<never> | undefined => {
    if (args.length < min) return fail(ctx, endColumn, 'event-missing-argument', `'${word}' needs ${usage}`);
    const extra = args[max];
    if (extra !== undefined) return fail(ctx, extra.column, 'event-extra-argument', `unexpected '${extra.text}': '${word}' takes ${usage || 'no arguments'}`);
    return undefined;
  };
  const a = (i: number): string => (args[i] as Token).text;
  switch (word) {
    case 'start': case 'stop': case 'kill': case 'pause': case 'resume':
      return arity(1, 1, 'NODE') ?? { ok: true, value: { kind: word, node: a(0) } };
    case 'fail': case 'ok':
      return arity(2, 2, 'NODE SCRIPT') ?? { ok: true, value: { kind: word, node: a(0), script: a(1) } };
    case 'linkdown': case 'linkup':
      return arity(1, 2, 'NODE [INTERFACE]') ?? { ok: true, value: args.length === 2 ? { kind: word, node: a(0), interface: a(1) } : { kind: word, node: a(0) } };
    case 'oneway':
      if (args.length === 2 && a(0) === a(1)) return fail(ctx, (args[1] as Token).column, 'event-oneway-self', `'oneway ${a(0)} ${a(1)}' cuts a node off from itself: it changes nothing`, 'oneway FROM TO: FROM\'s packets stop reaching TO');
      return arity(2, 2, 'FROM TO') ?? { ok: true, value: { kind: 'oneway', from: a(0), to: a(1) } };
    case 'heal':
      return arity(0, 0, '') ?? { ok: true, value: { kind: 'heal' } };
    case 'partition':
      return arity(1, Number.MAX_SAFE_INTEGER, 'GROUP [GROUP…] (members joined by commas)') ?? parsePartition(args, ctx);
    case 'loss':
      return arity(2, 2, 'NODE RATIO') ?? parseLoss(args, ctx);
    case 'clients':
      return arity(1, 6, EVENT_WORDS.clients) ?? parseClients(args, ctx);
    case 'rsdown':
      return arity(1, 2, EVENT_WORDS.rsdown) ?? parseRsdown(args, ctx);
    case 'rsup':
      return arity(1, 1, 'SERVER') ?? { ok: true, value: { kind: 'rsup', server: a(0) } };
  }
}

const RATE_RE = /^\d+(\.\d+)?$/;

/** `RATE [DURATION] [hold SECONDS] [to VIP:PORT]`: the options after the rate in any order, each once. */
function parseClients(args: readonly Token[], ctx: ParseContext): Parsed<ClusterEvent> {
  const [rateTok, ...rest] = args as [Token, ...Token[]];
  if (!RATE_RE.test(rateTok.text) || !Number.isFinite(Number(rateTok.text))) {
    return fail(ctx, rateTok.column, 'event-bad-rate', `bad rate '${rateTok.text}': expected connections per second, e.g. 10 or 0.5 (0 stops new connections)`);
  }
  if (Number(rateTok.text) > MAX_CLIENT_RATE) {
    return fail(ctx, rateTok.column, 'event-rate-too-high', `rate ${rateTok.text} is above the limit of ${MAX_CLIENT_RATE} new connections a second`, 'the simulator keeps every connection: a lower rate shows the same behaviour');
  }
  const event: { -readonly [K in keyof Extract<ClusterEvent, { kind: 'clients' }>]: Extract<ClusterEvent, { kind: 'clients' }>[K] } = { kind: 'clients', rate: Number(rateTok.text) };
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i] as Token;
    const value = rest[i + 1];
    if (tok.text === 'hold' || tok.text === 'to') {
      if (value === undefined) return fail(ctx, tok.column, 'event-missing-argument', tok.text === 'hold' ? `'hold' needs a time in seconds, e.g. hold 30` : `'to' needs a virtual service, e.g. to 192.0.2.80:2811`);
      if ((tok.text === 'hold' ? event.holdUs : event.service) !== undefined) return fail(ctx, tok.column, 'event-duplicate-option', `'${tok.text}' is given twice`);
      if (tok.text === 'hold') {
        const hold = parseSeconds(value.text);
        if (hold === undefined) return fail(ctx, value.column, 'event-bad-time', `bad hold time '${value.text}': expected seconds such as 30 or 2.5`);
        event.holdUs = hold;
      } else {
        if (!/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(value.text)) return fail(ctx, value.column, 'event-bad-service', `bad virtual service '${value.text}': expected VIP:PORT, e.g. 192.0.2.80:2811`);
        event.service = value.text;
      }
      i++;
      continue;
    }
    const duration = i === 0 ? parseSeconds(tok.text) : undefined;
    if (duration === undefined) {
      return fail(ctx, tok.column, 'event-extra-argument', `unexpected '${tok.text}': 'clients' takes ${EVENT_WORDS.clients}`);
    }
    event.durationUs = duration;
  }
  return { ok: true, value: event };
}

function parseRsdown(args: readonly Token[], ctx: ParseContext): Parsed<ClusterEvent> {
  const [server, mode] = args as [Token, Token | undefined];
  if (mode !== undefined && mode.text !== 'stop' && mode.text !== 'crash') {
    return fail(ctx, mode.column, 'event-bad-mode', `bad failure '${mode.text}': 'stop' (the service stops: connections are refused) or 'crash' (the host is gone: nothing answers)`);
  }
  return { ok: true, value: { kind: 'rsdown', server: server.text, mode: mode?.text === 'crash' ? 'crash' : 'stop' } };
}

function parsePartition(args: readonly Token[], ctx: ParseContext): Parsed<ClusterEvent> {
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const tok of args) {
    const members = tok.text.split(',');
    if (members.some((m) => m === '')) return fail(ctx, tok.column, 'event-bad-group', `bad group '${tok.text}': members are node names joined by commas, e.g. lb1,lb2`);
    for (const m of members) {
      if (seen.has(m)) return fail(ctx, tok.column, 'event-duplicate-member', `node '${m}' is in two partition groups`);
      seen.add(m);
    }
    groups.push(members);
  }
  return { ok: true, value: { kind: 'partition', groups } };
}

function parseLoss(args: readonly Token[], ctx: ParseContext): Parsed<ClusterEvent> {
  const [node, ratio] = args as [Token, Token];
  const value = Number(ratio.text);
  if (!/^\d+(\.\d+)?$/.test(ratio.text) || value > 1) {
    return fail(ctx, ratio.column, 'event-bad-ratio', `bad loss ratio '${ratio.text}': expected a number from 0 (no loss) to 1 (all lost)`);
  }
  return { ok: true, value: { kind: 'loss', node: node.text, lossRatio: value } };
}

/** The nodes an event names, in the order they are written. */
export function eventNodes(event: ClusterEvent): NodeId[] {
  switch (event.kind) {
    case 'partition': return event.groups.flat();
    case 'oneway': return [event.from, event.to];
    case 'heal': case 'clients': case 'rsdown': case 'rsup': return [];
    default: return [event.node];
  }
}

function checkNodes(event: ClusterEvent, args: readonly Token[], ctx: ParseContext): Diagnostic[] {
  const known = ctx.nodes;
  if (known === undefined) return [];
  return nodeTokens(event, args)
    .filter((t) => !known.includes(t.text))
    .map((t) => diagnosticAt(ctx, t.column, 'event-unknown-node', `unknown node '${t.text}'`, `nodes: ${known.join(', ') || '(none)'}`));
}

/** The tokens that name nodes, with partition members split out at their own columns. */
function nodeTokens(event: ClusterEvent, args: readonly Token[]): Token[] {
  switch (event.kind) {
    // Real servers are named by the configurations (checked when the scenario is prepared).
    case 'heal': case 'clients': case 'rsdown': case 'rsup': return [];
    case 'oneway': return args.slice(0, 2);
    case 'partition': return args.flatMap(splitMembers);
    default: return args.slice(0, 1);
  }
}

function splitMembers(tok: Token): Token[] {
  const out: Token[] = [];
  let column = tok.column;
  for (const text of tok.text.split(',')) {
    out.push({ text, column });
    column += text.length + 1;
  }
  return out;
}

/** The event back in words: `formatEvent(parseEventLine("6 kill lb1").event)` is "kill lb1". */
export function formatEvent(event: ClusterEvent): string {
  switch (event.kind) {
    case 'partition': return `partition ${event.groups.map((g) => g.join(',')).join(' ')}`;
    case 'oneway': return `oneway ${event.from} ${event.to}`;
    case 'heal': return 'heal';
    case 'fail': case 'ok': return `${event.kind} ${event.node} ${event.script}`;
    case 'linkdown': case 'linkup': return event.interface ? `${event.kind} ${event.node} ${event.interface}` : `${event.kind} ${event.node}`;
    case 'loss': return `loss ${event.node} ${event.lossRatio}`;
    case 'clients': return formatClients(event);
    case 'rsdown': return event.mode === 'crash' ? `rsdown ${event.server} crash` : `rsdown ${event.server}`;
    case 'rsup': return `rsup ${event.server}`;
    default: return `${event.kind} ${event.node}`;
  }
}

function formatClients(e: Extract<ClusterEvent, { kind: 'clients' }>): string {
  const parts = ['clients', String(e.rate)];
  if (e.durationUs !== undefined) parts.push(formatSeconds(e.durationUs));
  if (e.holdUs !== undefined) parts.push('hold', formatSeconds(e.holdUs));
  if (e.service !== undefined) parts.push('to', e.service);
  return parts.join(' ');
}

export const formatTimedEvent = (e: TimedEvent): string => `${formatSeconds(e.at)} ${formatEvent(e.event)}`;

/** Events in time order; equal times keep the order they were written (a stable sort). */
export function sortEvents<E extends TimedEvent>(events: readonly E[]): E[] {
  return events.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i).map((x) => x.e);
}

// ---------------------------------------------------------------- builders

/** Small constructors for writing scenarios in code: `at(6, kill('lb1'))`. */
export const start = (node: NodeId): ClusterEvent => ({ kind: 'start', node });
export const stop = (node: NodeId): ClusterEvent => ({ kind: 'stop', node });
export const kill = (node: NodeId): ClusterEvent => ({ kind: 'kill', node });
export const pause = (node: NodeId): ClusterEvent => ({ kind: 'pause', node });
export const resume = (node: NodeId): ClusterEvent => ({ kind: 'resume', node });
export const failScript = (node: NodeId, script: string): ClusterEvent => ({ kind: 'fail', node, script });
export const okScript = (node: NodeId, script: string): ClusterEvent => ({ kind: 'ok', node, script });
export const linkdown = (node: NodeId, iface?: string): ClusterEvent => (iface ? { kind: 'linkdown', node, interface: iface } : { kind: 'linkdown', node });
export const linkup = (node: NodeId, iface?: string): ClusterEvent => (iface ? { kind: 'linkup', node, interface: iface } : { kind: 'linkup', node });
export const partition = (...groups: (readonly NodeId[])[]): ClusterEvent => ({ kind: 'partition', groups });
export const oneway = (from: NodeId, to: NodeId): ClusterEvent => ({ kind: 'oneway', from, to });
export const heal = (): ClusterEvent => ({ kind: 'heal' });
export const clients = (rate: number, options: { durationS?: number; holdS?: number; service?: string } = {}): ClusterEvent => ({
  kind: 'clients',
  rate,
  ...(options.durationS === undefined ? {} : { durationUs: Math.round(options.durationS * 1_000_000) }),
  ...(options.holdS === undefined ? {} : { holdUs: Math.round(options.holdS * 1_000_000) }),
  ...(options.service === undefined ? {} : { service: options.service }),
});
export const rsdown = (server: string, mode: 'stop' | 'crash' = 'stop'): ClusterEvent => ({ kind: 'rsdown', server, mode });
export const rsup = (server: string): ClusterEvent => ({ kind: 'rsup', server });
export const at = (seconds: number, event: ClusterEvent): ScenarioEvent => ({ at: instant(Math.round(seconds * 1_000_000)), event });
