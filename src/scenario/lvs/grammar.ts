/**
 * The load-balancing facts of `expect` lines, parsed from tokens into
 * LvsPredicates (expectations.ts), every mistake a located diagnostic:
 *
 *     conns SERVER [active|inactive|total] OP N [on DIRECTOR]
 *     checkstate SERVER up|down [on DIRECTOR]
 *     OUTCOME OP N        OUTCOME: opened completed broken refused timed-out
 *
 * OP is one of >= <= = > <; `on DIRECTOR` may also follow the server. Directors are checked against the scenario's nodes
 * here; real servers only when the scenario is prepared (their names come from
 * the configurations).
 */
import type { LvsClientOutcome } from '../../core/backend.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { NodeId } from '../../core/ids.js';
import { diagnosticAt, type ParseContext, type Token } from '../events.js';
import { COMPARISONS, type Comparison, type LvsPredicate } from './expectations.js';
import { CLIENT_OUTCOMES, type ConnMeasure } from './timeline.js';

export const LVS_FACT_USAGE = 'conns SERVER [active|inactive|total] OP N [on DIRECTOR] | checkstate SERVER up|down [on DIRECTOR] | OUTCOME OP N (OUTCOME: opened, completed, broken, refused, timed-out; OP: >= <= = > <)';

type Parsed = { readonly ok: true; readonly value: LvsPredicate } | { readonly ok: false; readonly diagnostics: Diagnostic[] };

export const isLvsFactWord = (word: string): boolean => word === 'conns' || word === 'checkstate' || (CLIENT_OUTCOMES as readonly string[]).includes(word);

/** `tokens` start at the fact word; `end` is the column just past the line. */
export function parseLvsFact(tokens: readonly Token[], ctx: ParseContext, end: number, nodes: readonly NodeId[]): Parsed {
  const [word, ...args] = tokens as [Token, ...Token[]];
  const bad = (column: number, code: string, message: string): Parsed => ({ ok: false, diagnostics: [diagnosticAt(ctx, column, code, message, LVS_FACT_USAGE)] });
  const director = takeDirector(args, ctx, nodes);
  if ('diagnostics' in director) return director;
  const rest = director.rest;
  if (word.text === 'checkstate') {
    const [server, state, extra] = rest;
    if (server === undefined || state === undefined) return bad(end, 'expect-missing-argument', `'checkstate' needs a real server and up or down`);
    if (state.text !== 'up' && state.text !== 'down') return bad(state.column, 'expect-bad-checkstate', `unknown check state '${state.text}': up or down`);
    if (extra !== undefined) return bad(extra.column, 'expect-extra-argument', `unexpected '${extra.text}'`);
    return { ok: true, value: { kind: 'checkstate', server: server.text, up: state.text === 'up', ...director.value } };
  }
  if (word.text === 'conns') {
    const [server, ...more] = rest;
    if (server === undefined) return bad(end, 'expect-missing-argument', `'conns' needs a real server, a comparison and a number`);
    const measured = more[0] !== undefined && ['active', 'inactive', 'total'].includes(more[0].text);
    const measure = (measured ? (more[0] as Token).text : 'active') as ConnMeasure;
    const cmp = comparison(measured ? more.slice(1) : more, ctx, end, `'conns'`);
    if (!cmp.ok) return cmp;
    return { ok: true, value: { kind: 'conns', server: server.text, measure, op: cmp.op, value: cmp.value, ...director.value } };
  }
  if (director.value.director !== undefined) return bad(word.column, 'expect-bad-option', `'${word.text}' counts every client connection: it takes no 'on DIRECTOR'`);
  const cmp = comparison(rest, ctx, end, `'${word.text}'`);
  if (!cmp.ok) return cmp;
  return { ok: true, value: { kind: 'clients', outcome: word.text as LvsClientOutcome, op: cmp.op, value: cmp.value } };
}

/** `on DIRECTOR`, wherever it is written, taken off the arguments. */
function takeDirector(args: readonly Token[], ctx: ParseContext, nodes: readonly NodeId[]): { value: { director?: NodeId }; rest: readonly Token[] } | { ok: false; diagnostics: Diagnostic[] } {
  const i = args.findIndex((t) => t.text === 'on');
  if (i === -1) return { value: {}, rest: args };
  const name = args[i + 1];
  if (name === undefined) return { ok: false, diagnostics: [diagnosticAt(ctx, (args[i] as Token).column, 'expect-missing-argument', `'on' needs a director node`, LVS_FACT_USAGE)] };
  if (!nodes.includes(name.text)) return { ok: false, diagnostics: [diagnosticAt(ctx, name.column, 'expect-unknown-node', `unknown node '${name.text}'`, `nodes: ${nodes.join(', ') || '(none)'}`)] };
  return { value: { director: name.text }, rest: [...args.slice(0, i), ...args.slice(i + 2)] };
}

function comparison(tokens: readonly Token[], ctx: ParseContext, end: number, what: string): { ok: true; op: Comparison; value: number } | { ok: false; diagnostics: Diagnostic[] } {
  const [opTok, valueTok, extra] = tokens;
  const bad = (column: number, code: string, message: string) => ({ ok: false as const, diagnostics: [diagnosticAt(ctx, column, code, message, LVS_FACT_USAGE)] });
  if (opTok === undefined || valueTok === undefined) return bad(opTok?.column ?? end, 'expect-missing-argument', `${what} needs a comparison and a number, e.g. >= 10`);
  if (!(COMPARISONS as readonly string[]).includes(opTok.text)) return bad(opTok.column, 'expect-bad-comparison', `bad comparison '${opTok.text}': one of ${COMPARISONS.join(' ')}`);
  if (!/^\d+$/.test(valueTok.text)) return bad(valueTok.column, 'expect-bad-count', `bad count '${valueTok.text}': a whole number`);
  if (extra !== undefined) return bad(extra.column, 'expect-extra-argument', `unexpected '${extra.text}'`);
  return { ok: true, op: opTok.text as Comparison, value: Number(valueTok.text) };
}
