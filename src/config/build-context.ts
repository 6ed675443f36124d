/**
 * Shared helpers for the model builders: reading a statement's arguments the
 * way keepalived's handlers do, with a located diagnostic for each problem.
 *
 * keepalived reads a missing argument through strvec_slot(), which prints
 * "Configuration line starting `K` is missing a parameter" and exits with
 * status 2 at once. We report it (as an error saying so) and carry on, so one
 * run shows every problem.
 */
import type { Severity } from '../core/diagnostic.js';
import type { RawStatement, Value } from './model.js';
import { describeNumberProblem, numberProblemCode, readBool, readDecimal, readInt, readUnsigned, type NumberRead } from './numbers.js';
import type { Statement } from './parser.js';
import { missingParameterMessage, type Loc, type Reporter, type Token } from './source.js';

export interface HostDescription {
  /** Interfaces that exist on the host the configuration is for. */
  readonly interfaces?: readonly string[];
  /** Check script paths on this machine (exists, executable, secure). */
  readonly checkScriptFiles?: boolean;
  /** Users that exist on the host (for script_user / user). */
  readonly users?: readonly string[];
}

export interface BuildContext {
  readonly reporter: Reporter;
  readonly host?: HostDescription;
  /** First missing parameter seen: keepalived -t stops there (exit 2). */
  missingParameterSeen: boolean;
  /** global_defs dynamic_interfaces: keepalived waits for missing interfaces instead of failing. */
  dynamicInterfaces?: boolean;
}

/**
 * Does interface `name` exist on the host? true/false when a host description
 * lists interfaces; undefined (and a notChecked entry) otherwise. With
 * dynamic_interfaces keepalived accepts interfaces that do not exist yet.
 */
export function interfaceExists(ctx: BuildContext, name: string, loc: Loc, what: string): boolean | undefined {
  const list = ctx.host?.interfaces;
  if (!list) {
    ctx.reporter.notChecked('interface-exists', loc, `interface ${name} (${what}) exists`, 'no host interfaces given');
    return undefined;
  }
  if (list.includes(name) || ctx.dynamicInterfaces) return true;
  return false;
}

export const valueOf = <T>(value: T, loc: Loc): Value<T> => ({ value, loc });

export function rawOf(stmt: Statement): RawStatement {
  return {
    keyword: stmt.keyword.text,
    args: stmt.args.map((a) => valueOf(a.text, a.loc)),
    loc: stmt.loc,
    known: stmt.known,
  };
}

export function report(
  ctx: BuildContext,
  code: string,
  severity: Severity,
  loc: Loc | undefined,
  message: string,
  hint?: string,
): void {
  ctx.reporter.report(code, severity, loc, message, hint !== undefined ? { hint } : undefined);
}

/** strvec_slot(strvec, index) where index 1 is the first argument. */
export function needArg(ctx: BuildContext, stmt: Statement, index: number): Token | undefined {
  const t = stmt.args[index - 1];
  if (t) return t;
  const after = index === 1 ? stmt.keyword : stmt.args[index - 2];
  report(ctx, 'missing-parameter', 'error', stmt.loc, missingParameterMessage(stmt.keyword.text, after?.text ?? stmt.keyword.text, index + 1),
    'give the value this keyword needs');
  ctx.missingParameterSeen = true;
  return undefined;
}

export interface NumberArgOptions {
  /** Diagnostic code for a rejected value (default: the number problem's own code). */
  readonly code?: string;
  /** What keepalived does with a rejected value, appended to the message. */
  readonly consequence?: string;
  readonly severity?: Severity;
}

function reportNumber(ctx: BuildContext, token: Token, r: NumberRead, what: string, o: NumberArgOptions): void {
  for (const p of r.problems) {
    const rejected = !r.ok;
    const code = rejected && o.code ? o.code : numberProblemCode(p);
    const tail = rejected ? (o.consequence ? `; ${o.consequence}` : '; keepalived ignores it') : '';
    const severity = p.kind === 'too-many-decimals' && r.ok ? 'warning' : (o.severity ?? 'error');
    report(ctx, code, severity, token.loc, `${what}: ${describeNumberProblem(token.text, p)}${tail}`);
  }
}

/** read_unsigned_strvec: the value when keepalived -t accepts it. */
export function unsignedArg(
  ctx: BuildContext, stmt: Statement, index: number, min: number, max: number, o: NumberArgOptions = {},
): Value<number> | undefined {
  const t = needArg(ctx, stmt, index);
  if (!t) return undefined;
  return unsignedToken(ctx, t, stmt.keyword.text, min, max, o);
}

export function unsignedToken(
  ctx: BuildContext, t: Token, what: string, min: number, max: number, o: NumberArgOptions = {},
): Value<number> | undefined {
  const r = readUnsigned(t.text, min, max);
  reportNumber(ctx, t, r, what, o);
  return r.ok ? valueOf(r.value, t.loc) : undefined;
}

export function intArg(
  ctx: BuildContext, stmt: Statement, index: number, min: number, max: number, o: NumberArgOptions = {},
): Value<number> | undefined {
  const t = needArg(ctx, stmt, index);
  if (!t) return undefined;
  return intToken(ctx, t, stmt.keyword.text, min, max, o);
}

export function intToken(
  ctx: BuildContext, t: Token, what: string, min: number, max: number, o: NumberArgOptions = {},
): Value<number> | undefined {
  const r = readInt(t.text, min, max);
  reportNumber(ctx, t, r, what, o);
  return r.ok ? valueOf(r.value, t.loc) : undefined;
}

/** read_decimal_unsigned_strvec / read_timer with 6 places: microseconds. */
export function timerArg(
  ctx: BuildContext, stmt: Statement, index: number, minUs: number, maxUs: number, o: NumberArgOptions = {},
): Value<number> | undefined {
  const t = needArg(ctx, stmt, index);
  if (!t) return undefined;
  return timerToken(ctx, t, stmt.keyword.text, minUs, maxUs, o);
}

export function timerToken(
  ctx: BuildContext, t: Token, what: string, minUs: number, maxUs: number, o: NumberArgOptions = {},
): Value<number> | undefined {
  const r = readDecimal(t.text, minUs, maxUs, 6);
  reportNumber(ctx, t, r, what, o);
  return r.ok ? valueOf(r.value, t.loc) : undefined;
}

/**
 * A keyword that is a flag with an optional true/false argument (keepalived's
 * pattern "vector_size >= 2 ? check_true_false : true").
 */
export function flagArg(ctx: BuildContext, stmt: Statement, o: { code?: string; consequence?: string } = {}): Value<boolean> | undefined {
  const t = stmt.args[0];
  if (!t) return valueOf(true, stmt.loc);
  const b = readBool(t.text);
  if (b === undefined) {
    report(ctx, o.code ?? 'invalid-boolean', 'error', t.loc,
      `'${stmt.keyword.text}' takes yes/no/true/false/on/off, not '${t.text}'; ${o.consequence ?? 'keepalived ignores the line'}`);
    return undefined;
  }
  return valueOf(b, stmt.loc);
}

/** A flag keyword that takes no argument at all (keepalived ignores extra words silently). */
export const setFlag = (stmt: Statement): Value<boolean> => valueOf(true, stmt.loc);

/** A string argument (set_value: the first argument). */
export function stringArg(ctx: BuildContext, stmt: Statement, index = 1): Value<string> | undefined {
  const t = needArg(ctx, stmt, index);
  return t ? valueOf(t.text, t.loc) : undefined;
}

/** The words from `from` (1-based) joined with spaces, as keepalived's set_value/strvec join does. */
export function joinedArgs(stmt: Statement, from = 1): string {
  return stmt.args.slice(from - 1).map((a) => a.text).join(' ');
}

/** `user [group]` parsing shared by script_user, vrrp_script user, MISC_CHECK user. */
export function userArg(ctx: BuildContext, stmt: Statement): Value<{ user: string; group?: string }> | undefined {
  const u = needArg(ctx, stmt, 1);
  if (!u) return undefined;
  const g = stmt.args[1];
  return valueOf(g ? { user: u.text, group: g.text } : { user: u.text }, u.loc);
}
