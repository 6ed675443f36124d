/**
 * The `.scenario` file format: one statement per line, `#` starts a comment,
 * paths are relative to the scenario file.
 *
 *     name    Master crash: lb2 takes over
 *     node    lb1 lb1.conf @192.0.2.11        # address optional (also lb1.conf@192.0.2.11)
 *     node    lb3 <<END                       # inline configuration up to a line "END"
 *     …keepalived.conf text…
 *     END
 *     seed    7
 *     until   20
 *     event   6 kill lb1                      # or just: 6 kill lb1
 *     expect  10 master VI_1 lb2              # none, or lb1,lb2 for split brain
 *     expect  10 holder 192.0.2.100 lb2
 *     expect  10 state lb1 VI_1 FAULT
 *     expect  10 priority lb1 VI_1 90
 *     expect  always 10..20 master VI_1 lb2
 *     expect  eventually 6..10 holder 192.0.2.100 lb2
 *     expect  failover VI_1 after 6 within 4 [to lb2]
 *     expect  never-two-masters [except-during-partition]
 *     expect  vips-follow-master              # each VIP on exactly its instance's master
 *     expect  master VI_1 lb2                 # no time: when the run ends
 *
 * Load balancing (nodes with virtual_server blocks; see lvs/grammar.ts):
 *
 *     realserver gridftp1 192.0.2.31          # name a real server (default rs1, rs2, … in config order)
 *     event   10 clients 5 30 hold 20         # 5 connections/s for 30 s, each open 20 s
 *     event   40 rsdown rs1 [crash]           # the service stops (or the host crashes); rsup rs1
 *     expect  35 conns rs1 >= 10              # active connections on the VIP holder
 *     expect  50 checkstate rs1 down [on lb2]
 *     expect  broken <= 0                     # opened completed broken refused timed-out
 *
 * Theory of operation: lines are read into statements first and checked second,
 * so a node may be named before it is declared and every mistake in the file is
 * reported together, each at its file:line:column.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compareDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { describeBytes, describeErrno } from '../core/errno.js';
import { ScenarioError, type SourceLocation } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { instant, type Instant } from '../core/time.js';
import { diagnosticAt, END_GRACE_US, endEvents, splitAtEnd, parseEventTokens, parseRunEnd, parseSeconds, sortEvents, tokenize, type ParseContext, type ScenarioEvent, type Token } from './events.js';
import type { Expectation, Predicate } from './expectations.js';
import { defaultUntil, ScenarioFileError, type NodeConfigSource, type Scenario, type ScenarioNode, type ScenarioRealServer } from './scenario.js';
import type { LaneState } from './timeline.js';
import { isLvsFactWord, LVS_FACT_USAGE, parseLvsFact } from './lvs/grammar.js';

export interface ScenarioFileIo {
  /** Resolve a path written in the file against the file's folder. */
  resolve(fromFile: string, path: string): string;
  exists(path: string): boolean;
}

interface Line {
  readonly ctx: ParseContext;
  readonly tokens: readonly Token[];
  readonly end: number;
}

interface Draft {
  name?: string;
  seed?: number;
  until?: Instant;
  untilLocation?: SourceLocation;
  nodes: ScenarioNode[];
  realServers: ScenarioRealServer[];
  eventLines: Line[];
  expectLines: Line[];
  diagnostics: Diagnostic[];
}

/** Paths relative to the scenario file's folder, checked on disk. */
export const diskIo: ScenarioFileIo = {
  resolve: (fromFile, path) => resolve(dirname(fromFile), path),
  exists: (path) => existsSync(path),
};

/** Read and parse a `.scenario` file from disk. */
export function loadScenarioFile(path: string, io: ScenarioFileIo = diskIo, shown = path): Scenario {
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ScenarioError('scenario-file-unreadable', `cannot read scenario file '${shown}': it is a folder`);
    if (st.size > MAX_SCENARIO_BYTES) throw new ScenarioError('scenario-file-too-large', `scenario file '${shown}' is ${describeBytes(st.size)}; scenario files above ${describeBytes(MAX_SCENARIO_BYTES)} are not read`);
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof ScenarioError) throw cause;
    throw new ScenarioError('scenario-file-unreadable', `cannot read scenario file '${shown}': ${describeErrno(cause)}`, undefined, { cause });
  }
  return parseScenarioFile(text, path, io);
}

/** A scenario file is a page of lines (inline configurations included); a week of faults every minute is about 300 KB. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

/** Parse a `.scenario` file's text; throws ScenarioFileError listing every mistake. */
export function parseScenarioFile(text: string, file: string, io: ScenarioFileIo): Scenario {
  const draft: Draft = { nodes: [], realServers: [], eventLines: [], expectLines: [], diagnostics: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const ctx: ParseContext = { file, line: i + 1 };
    const raw = stripComment(lines[i] as string);
    const tokens = tokenize(raw);
    if (tokens.length === 0) continue;
    i = statement(draft, { ctx, tokens, end: raw.length + 1 }, lines, i, io);
  }
  const nodeIds = draft.nodes.map((n) => n.id);
  const split = splitAtEnd(draft.eventLines);
  const events = split.lines.flatMap((l) => collect(draft, parseEventTokens(l.tokens, { ...l.ctx, nodes: nodeIds }, l.end)));
  if (split.endAt !== undefined) events.push(...endEvents(split.endAt, nodeIds));
  const expectations = draft.expectLines.flatMap((l) => collect(draft, parseExpectation(l, nodeIds)));
  if (draft.nodes.length === 0) draft.diagnostics.push(diagnosticAt({ file, line: 1 }, 1, 'scenario-no-nodes', 'a scenario needs at least one node: node NAME FILE [@ADDRESS]'));
  if (draft.diagnostics.length > 0) throw new ScenarioFileError([...draft.diagnostics].sort(compareDiagnostics));
  const sorted = sortEvents(events);
  return {
    name: draft.name ?? baseName(file),
    file,
    nodes: draft.nodes,
    events: sorted,
    until: draft.until ?? (split.endAt === undefined ? defaultUntil(sorted, expectations) : instant(split.endAt + END_GRACE_US)),
    ...(draft.untilLocation === undefined ? {} : { untilLocation: draft.untilLocation }),
    ...(draft.seed === undefined ? {} : { seed: draft.seed }),
    ...(draft.realServers.length === 0 ? {} : { realServers: draft.realServers }),
    expectations,
  };
}

function collect<T>(draft: Draft, r: { ok: true; value: T } | { ok: false; diagnostics: readonly Diagnostic[] }): T[] {
  if (r.ok) return [r.value];
  draft.diagnostics.push(...r.diagnostics);
  return [];
}

/** Remove a `#` comment (the whole rest of the line). */
const stripComment = (line: string): string => {
  const i = line.indexOf('#');
  return i === -1 ? line : line.slice(0, i);
};

const baseName = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.scenario$/, '');

/** Handle one statement; returns the index of the last line it consumed. */
function statement(draft: Draft, line: Line, lines: readonly string[], index: number, io: ScenarioFileIo): number {
  const [kw, ...rest] = line.tokens as [Token, ...Token[]];
  const err = (column: number, code: string, message: string, hint?: string): number => {
    draft.diagnostics.push(diagnosticAt(line.ctx, column, code, message, hint));
    return index;
  };
  switch (kw.text) {
    case 'name':
      if (rest.length === 0) return err(line.end, 'scenario-missing-argument', 'name needs a text');
      draft.name = stripComment(lines[index] as string).slice((rest[0] as Token).column - 1).trim();
      return index;
    case 'seed': return seedStatement(draft, line, rest, index, err);
    case 'until': {
      const t = rest[0] ? parseRunEnd(rest[0].text) : undefined;
      if (rest.length !== 1 || t === undefined) return err(rest[0]?.column ?? line.end, 'scenario-bad-time', 'until needs one time in seconds, e.g. until 20');
      if (typeof t !== 'number') return err((rest[0] as Token).column, t.tooLong ? 'scenario-run-too-long' : 'scenario-bad-time', t.error);
      draft.until = t;
      draft.untilLocation = { file: line.ctx.file, line: line.ctx.line, column: (rest[0] as Token).column };
      return index;
    }
    case 'node': return nodeStatement(draft, line, rest, lines, index, io);
    case 'realserver': return realServerStatement(draft, line, rest, index);
    case 'event':
      draft.eventLines.push({ ...line, tokens: rest });
      return index;
    case 'expect':
      draft.expectLines.push({ ...line, tokens: rest });
      return index;
    default:
      if (parseSeconds(kw.text) !== undefined) {
        draft.eventLines.push(line);
        return index;
      }
      return err(kw.column, 'scenario-unknown-word', `unknown word '${kw.text}'`, 'expected name, node, realserver, seed, until, event, expect, or an event line "T WORD NODE"');
  }
}

function seedStatement(draft: Draft, line: Line, rest: readonly Token[], index: number, err: (c: number, code: string, m: string) => number): number {
  const tok = rest[0];
  if (rest.length !== 1 || tok === undefined || !/^\d+$/.test(tok.text) || !Number.isSafeInteger(Number(tok.text))) {
    return err(tok?.column ?? line.end, 'scenario-bad-seed', 'seed needs one non-negative integer, e.g. seed 7');
  }
  draft.seed = Number(tok.text);
  return index;
}

const ADDRESS_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function nodeStatement(draft: Draft, line: Line, rest: readonly Token[], lines: readonly string[], index: number, io: ScenarioFileIo): number {
  const err = (column: number, code: string, message: string, hint?: string): number => {
    draft.diagnostics.push(diagnosticAt(line.ctx, column, code, message, hint));
    return index;
  };
  const [nameTok, sourceTok, ...more] = rest;
  if (nameTok === undefined || sourceTok === undefined) return err(line.end, 'scenario-missing-argument', 'node needs a name and a configuration: node NAME FILE [@ADDRESS]');
  if (!/^[A-Za-z][\w.-]*$/.test(nameTok.text)) return err(nameTok.column, 'scenario-bad-node-name', `bad node name '${nameTok.text}': use letters, digits, '-', '_' or '.', starting with a letter`);
  if (draft.nodes.some((n) => n.id === nameTok.text)) return err(nameTok.column, 'scenario-duplicate-node', `node '${nameTok.text}' is declared twice`);
  const [source, written] = splitAt(sourceTok);
  let address = written;
  let last = index;
  const extra = more[0];
  if (extra && address === undefined && extra.text.startsWith('@')) address = { text: extra.text.slice(1), column: extra.column + 1 };
  else if (extra) return err(extra.column, 'scenario-extra-argument', `unexpected '${extra.text}'`, 'node NAME FILE [@ADDRESS]');
  if (more.length > 1) return err((more[1] as Token).column, 'scenario-extra-argument', `unexpected '${(more[1] as Token).text}'`);
  if (address !== undefined && !ADDRESS_RE.test(address.text)) return err(address.column, 'scenario-bad-address', `bad address '${address.text}': expected an IPv4 address such as 192.0.2.11`);
  let config: NodeConfigSource;
  if (source.text.startsWith('<<')) {
    const heredoc = readHeredoc(source, line, lines, index);
    if ('error' in heredoc) return err(source.column, 'scenario-unterminated-config', heredoc.error);
    config = { kind: 'text', name: `${line.ctx.file}:${index + 2}`, text: heredoc.text };
    last = heredoc.last;
  } else {
    const path = io.resolve(line.ctx.file, source.text);
    if (!io.exists(path)) return err(source.column, 'scenario-missing-file', `configuration file '${source.text}' not found (looked for ${path})`);
    config = { kind: 'file', path };
  }
  const location: SourceLocation = { file: line.ctx.file, line: line.ctx.line, column: nameTok.column };
  draft.nodes.push({ id: nameTok.text, config, ...(address ? { address: address.text } : {}), location });
  return last;
}

/** `realserver NAME ADDRESS`: what to call the real server at ADDRESS (the configs name it by address). */
function realServerStatement(draft: Draft, line: Line, rest: readonly Token[], index: number): number {
  const err = (column: number, code: string, message: string): number => {
    draft.diagnostics.push(diagnosticAt(line.ctx, column, code, message, 'realserver NAME ADDRESS, e.g. realserver gridftp1 192.0.2.31'));
    return index;
  };
  const [nameTok, addressTok, extra] = rest;
  if (nameTok === undefined || addressTok === undefined) return err(line.end, 'scenario-missing-argument', 'realserver needs a name and the address the configurations give it');
  if (!/^[A-Za-z][\w.-]*$/.test(nameTok.text)) return err(nameTok.column, 'scenario-bad-node-name', `bad real server name '${nameTok.text}': use letters, digits, '-', '_' or '.', starting with a letter`);
  if (!ADDRESS_RE.test(addressTok.text)) return err(addressTok.column, 'scenario-bad-address', `bad address '${addressTok.text}': expected an IPv4 address such as 192.0.2.31`);
  if (extra !== undefined) return err(extra.column, 'scenario-extra-argument', `unexpected '${extra.text}'`);
  if (draft.nodes.some((n) => n.id === nameTok.text) || draft.realServers.some((r) => r.id === nameTok.text)) return err(nameTok.column, 'scenario-duplicate-node', `'${nameTok.text}' is declared twice`);
  if (draft.realServers.some((r) => r.address === addressTok.text)) return err(addressTok.column, 'scenario-duplicate-real-server', `real server ${addressTok.text} is named twice`);
  draft.realServers.push({ id: nameTok.text, address: addressTok.text, location: { file: line.ctx.file, line: line.ctx.line, column: nameTok.column } });
  return index;
}

/** `lb1.conf@192.0.2.11` → file and address tokens. */
function splitAt(tok: Token): [Token, Token | undefined] {
  const i = tok.text.lastIndexOf('@');
  if (i <= 0 || tok.text.startsWith('<<')) return [tok, undefined];
  return [{ text: tok.text.slice(0, i), column: tok.column }, { text: tok.text.slice(i + 1), column: tok.column + i + 1 }];
}

function readHeredoc(source: Token, line: Line, lines: readonly string[], index: number): { text: string; last: number } | { error: string } {
  const tag = source.text.slice(2);
  if (!/^\w+$/.test(tag)) return { error: `inline configuration needs a closing word: node ${line.tokens[1]?.text ?? 'NAME'} <<END … END` };
  for (let j = index + 1; j < lines.length; j++) {
    if ((lines[j] as string).trim() === tag) return { text: lines.slice(index + 1, j).join('\n') + '\n', last: j };
  }
  return { error: `inline configuration starting here is never closed by a line '${tag}'` };
}

// ---------------------------------------------------------------- expectations

type ParsedExpectation = { ok: true; value: Expectation } | { ok: false; diagnostics: Diagnostic[] };

const STATES: readonly LaneState[] = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP', 'OFF'];

function parseExpectation(line: Line, nodes: readonly NodeId[]): ParsedExpectation {
  const ctx = line.ctx;
  const location: SourceLocation = { file: ctx.file, line: ctx.line, column: line.tokens[0]?.column ?? line.end };
  const bad = (column: number, code: string, message: string, hint?: string): ParsedExpectation => ({ ok: false, diagnostics: [diagnosticAt(ctx, column, code, message, hint)] });
  const [first, ...rest] = line.tokens;
  if (first === undefined) return bad(line.end, 'expect-missing', 'expect needs a time and a fact, e.g. expect 10 master VI_1 lb2');
  if (first.text === 'never-two-masters') {
    const opt = rest[0];
    if (opt && (opt.text !== 'except-during-partition' || rest.length > 1)) return bad(opt.column, 'expect-bad-option', `unexpected '${opt.text}'`, 'never-two-masters [except-during-partition]');
    return { ok: true, value: { kind: 'never-two-masters', exceptDuringPartition: opt !== undefined, location } };
  }
  if (first.text === 'vips-follow-master') {
    if (rest[0] !== undefined) return bad(rest[0].column, 'expect-extra-argument', `unexpected '${rest[0].text}'`, 'vips-follow-master');
    return { ok: true, value: { kind: 'vips-follow-master', location } };
  }
  if (first.text === 'failover') return parseFailover(line, rest, nodes, location);
  if (first.text === 'always' || first.text === 'eventually') {
    const range = rest[0] ? parseRange(rest[0].text) : undefined;
    if (range === undefined) return bad(rest[0]?.column ?? line.end, 'expect-bad-range', `${first.text} needs a time range FROM..TO in seconds, e.g. 10..20`);
    const p = parsePredicate(line, rest.slice(1), nodes);
    return p.ok ? { ok: true, value: { kind: first.text, from: range[0], to: range[1], predicate: p.value, location } } : p;
  }
  const at = parseSeconds(first.text);
  if (at === undefined && (FACT_WORDS.has(first.text) || isLvsFactWord(first.text))) {
    // No time: the fact is checked when the run ends.
    const p = parsePredicate(line, line.tokens, nodes);
    return p.ok ? { ok: true, value: { kind: 'at-end', predicate: p.value, location } } : p;
  }
  if (at === undefined) return bad(first.column, 'expect-bad-time', `bad time '${first.text}'`, 'expect [T] FACT, expect always|eventually FROM..TO FACT, expect failover …, expect never-two-masters, expect vips-follow-master');
  const p = parsePredicate(line, rest, nodes);
  return p.ok ? { ok: true, value: { kind: 'at', at, predicate: p.value, location } } : p;
}

const FACT_WORDS: ReadonlySet<string> = new Set(['master', 'holder', 'state', 'priority']);

function parseRange(text: string): [Instant, Instant] | undefined {
  const [a, b, ...more] = text.split('..');
  if (a === undefined || b === undefined || more.length > 0) return undefined;
  const from = parseSeconds(a);
  const to = parseSeconds(b);
  return from !== undefined && to !== undefined && from <= to ? [from, to] : undefined;
}

/**
 * Parse a FACT — what follows the time in an `expect T …` line — given as
 * tokens located in `ctx` (the lab's goal lines: `reach master VI_1 lb2`).
 */
export function parseFact(tokens: readonly Token[], ctx: ParseContext, endColumn: number, nodes: readonly NodeId[]): { ok: true; value: Predicate } | { ok: false; diagnostics: Diagnostic[] } {
  return parsePredicate({ ctx, tokens, end: endColumn }, tokens, nodes);
}

function parsePredicate(line: Line, tokens: readonly Token[], nodes: readonly NodeId[]): { ok: true; value: Predicate } | { ok: false; diagnostics: Diagnostic[] } {
  const ctx = line.ctx;
  const bad = (column: number, code: string, message: string, hint?: string): { ok: false; diagnostics: Diagnostic[] } => ({ ok: false, diagnostics: [diagnosticAt(ctx, column, code, message, hint)] });
  const [word, a, b, c, extra] = tokens;
  const usage = `master INSTANCE NODES | holder VIP NODES | state NODE INSTANCE STATE | priority NODE INSTANCE N | ${LVS_FACT_USAGE}`;
  if (word === undefined) return bad(line.end, 'expect-missing-fact', `expected a fact: ${usage}`);
  if (isLvsFactWord(word.text)) return parseLvsFact(tokens, ctx, line.end, nodes);
  const need = (n: number): { ok: false; diagnostics: Diagnostic[] } | undefined => {
    const got = [a, b, c, extra].filter((t) => t !== undefined).length;
    if (got < n) return bad(line.end, 'expect-missing-argument', `'${word.text}' needs ${n} arguments`, usage);
    const over = [a, b, c, extra][n];
    return over ? bad(over.column, 'expect-extra-argument', `unexpected '${over.text}'`, usage) : undefined;
  };
  switch (word.text) {
    case 'master': case 'holder': {
      const n = need(2) ?? nodeList(ctx, b as Token, nodes);
      if ('diagnostics' in n) return n;
      return { ok: true, value: word.text === 'master' ? { kind: 'master', instance: (a as Token).text, nodes: n.value } : { kind: 'holder', vip: (a as Token).text, nodes: n.value } };
    }
    case 'state': {
      const n = need(3) ?? knownNode(ctx, a as Token, nodes);
      if (n) return n;
      const state = (c as Token).text.toUpperCase() as LaneState;
      if (!STATES.includes(state)) return bad((c as Token).column, 'expect-bad-state', `unknown state '${(c as Token).text}'`, `states: ${STATES.join(', ')}`);
      return { ok: true, value: { kind: 'state', node: (a as Token).text, instance: (b as Token).text, state } };
    }
    case 'priority': {
      const n = need(3) ?? knownNode(ctx, a as Token, nodes);
      if (n) return n;
      const v = Number((c as Token).text);
      if (!/^\d+$/.test((c as Token).text) || v > 255) return bad((c as Token).column, 'expect-bad-priority', `bad priority '${(c as Token).text}': expected 0..255`);
      return { ok: true, value: { kind: 'priority', node: (a as Token).text, instance: (b as Token).text, priority: v } };
    }
    default:
      return bad(word.column, 'expect-unknown-fact', `unknown fact '${word.text}'`, usage);
  }
}

function knownNode(ctx: ParseContext, tok: Token, nodes: readonly NodeId[]): { ok: false; diagnostics: Diagnostic[] } | undefined {
  if (nodes.includes(tok.text)) return undefined;
  return { ok: false, diagnostics: [diagnosticAt(ctx, tok.column, 'expect-unknown-node', `unknown node '${tok.text}'`, `nodes: ${nodes.join(', ') || '(none)'}`)] };
}

/** `lb2`, `lb1,lb2` or `none`. */
function nodeList(ctx: ParseContext, tok: Token, nodes: readonly NodeId[]): { ok: true; value: NodeId[] } | { ok: false; diagnostics: Diagnostic[] } {
  if (tok.text === 'none' || tok.text === 'nobody') return { ok: true, value: [] };
  const names = tok.text.split(',');
  let column = tok.column;
  for (const name of names) {
    const unknown = knownNode(ctx, { text: name, column }, nodes);
    if (unknown) return unknown;
    column += name.length + 1;
  }
  return { ok: true, value: names };
}

function parseFailover(line: Line, rest: readonly Token[], nodes: readonly NodeId[], location: SourceLocation): ParsedExpectation {
  // failover INSTANCE after T within D [to NODE]
  const [inst, afterKw, afterT, withinKw, withinD, toKw, toNode, extra] = rest;
  const usage = 'expect failover INSTANCE after T within SECONDS [to NODE]';
  const bad = (tok: Token | undefined, message: string): ParsedExpectation => ({ ok: false, diagnostics: [diagnosticAt(line.ctx, tok?.column ?? line.end, 'expect-bad-failover', message, usage)] });
  if (inst === undefined) return bad(undefined, 'failover needs an instance');
  const after = afterT ? parseSeconds(afterT.text) : undefined;
  if (afterKw?.text !== 'after' || after === undefined) return bad(afterKw?.text === 'after' ? afterT : afterKw, 'expected: after T');
  const within = withinD ? parseSeconds(withinD.text) : undefined;
  if (withinKw?.text !== 'within' || within === undefined) return bad(withinKw?.text === 'within' ? withinD : withinKw, 'expected: within SECONDS');
  if (toKw !== undefined && (toKw.text !== 'to' || toNode === undefined)) return bad(toKw.text === 'to' ? undefined : toKw, 'expected: to NODE');
  if (extra) return bad(extra, `unexpected '${extra.text}'`);
  if (toNode) {
    const unknown = knownNode(line.ctx, toNode, nodes);
    if (unknown) return unknown;
  }
  return { ok: true, value: { kind: 'failover', instance: inst.text, after, withinUs: within, ...(toNode ? { to: toNode.text } : {}), location } };
}

export type { ScenarioEvent };
