/**
 * keepalived's number readers (lib/parser.c read_int_func, read_unsigned_func,
 * read_decimal_unsigned_long_func, check_true_false), as pure functions that
 * return the value and the problem keepalived would report.
 *
 * Rules, as in 2.2.7 under `-t`:
 *  - integers are base 10 (strtol/strtoul): `0x64` is invalid, `051` is 51,
 *    leading blanks and a `+` are accepted, trailing junk is invalid;
 *  - unsigned readers reject a leading `-` as "negative";
 *  - decimals (timers) take at most `places` decimal places: more is reported,
 *    rounded half up, and still accepted if in range;
 *  - any other problem means keepalived -t rejects the value (`ok: false`).
 */

export type NumberProblem =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'negative' }
  | { readonly kind: 'outside-type-range' }
  | { readonly kind: 'out-of-range'; readonly min: string; readonly max: string }
  | { readonly kind: 'too-many-decimals'; readonly places: number };

export interface NumberRead {
  /** keepalived -t keeps the value. */
  readonly ok: boolean;
  /** The parsed value (also when not ok, if one could be parsed). */
  readonly value: number;
  readonly problems: readonly NumberProblem[];
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
export const UINT_MAX = 4294967295;
const LONG_LIMIT = 2n ** 63n;
const ULONG_LIMIT = 2n ** 64n;

/** strtol/strtoul's accepted prefix: blanks, sign, decimal digits. */
function scanInteger(text: string): { digits: string; negative: boolean; rest: string; any: boolean } {
  let i = 0;
  while (i < text.length && ' \t\n\r\f\v'.includes(text[i] ?? '')) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const start = i;
  while (i < text.length && /[0-9]/.test(text[i] ?? '')) i++;
  const digits = text.slice(start, i);
  // With no digits strtol leaves endptr at the start of the string.
  if (digits === '') return { digits: '0', negative: false, rest: text, any: false };
  return { digits, negative, rest: text.slice(i), any: true };
}

export function readInt(text: string, min: number, max: number): NumberRead {
  const scan = scanInteger(text);
  const big = BigInt(scan.digits) * (scan.negative ? -1n : 1n);
  const value = Number(big);
  if (scan.rest !== '') return { ok: false, value, problems: [{ kind: 'invalid' }] };
  if (big >= LONG_LIMIT || big < -LONG_LIMIT || value < INT_MIN || value > INT_MAX) {
    return { ok: false, value, problems: [{ kind: 'outside-type-range' }] };
  }
  if (value < min || value > max) {
    return { ok: false, value, problems: [{ kind: 'out-of-range', min: String(min), max: String(max) }] };
  }
  return { ok: true, value, problems: [] };
}

export function readUnsigned(text: string, min: number, max: number): NumberRead {
  const trimmed = text.replace(/^[ \t\n\r\f\v]+/, '');
  if (trimmed.startsWith('-')) return { ok: false, value: 0, problems: [{ kind: 'negative' }] };
  const scan = scanInteger(trimmed);
  const big = BigInt(scan.digits);
  const value = Number(big);
  if (scan.rest !== '') return { ok: false, value, problems: [{ kind: 'invalid' }] };
  if (big >= ULONG_LIMIT || value > UINT_MAX) return { ok: false, value, problems: [{ kind: 'outside-type-range' }] };
  if (value < min || value > max) {
    return { ok: false, value, problems: [{ kind: 'out-of-range', min: String(min), max: String(max) }] };
  }
  return { ok: true, value, problems: [] };
}

/**
 * read_decimal_unsigned_long_func: `text` as a decimal with up to `places`
 * decimal places, returned as an integer in units of 10^-places (so
 * `places = 6` gives microseconds). min and max are in those units.
 */
export function readDecimal(text: string, min: number, max: number, places: number): NumberRead {
  if (text.startsWith('-')) return { ok: false, value: 0, problems: [{ kind: 'negative' }] };
  const problems: NumberProblem[] = [];
  const dot = text.indexOf('.');
  let intPart = dot >= 0 ? text.slice(0, dot) : text;
  let frac = dot >= 0 ? text.slice(dot + 1) : '';
  let roundUp = false;
  if (frac.length > places) {
    problems.push({ kind: 'too-many-decimals', places });
    roundUp = (frac[places] ?? '0') >= '5';
    frac = frac.slice(0, places);
  }
  intPart = intPart + frac + '0'.repeat(places - frac.length);
  const scan = scanInteger(intPart);
  let big = BigInt(scan.digits) * (scan.negative ? -1n : 1n);
  if (roundUp) big += 1n;
  const value = Number(big);
  const scale = 10 ** places;
  const fmt = (n: number): string => (places === 0 ? String(n) : (n / scale).toFixed(places));
  if (scan.rest !== '') return { ok: false, value, problems: [...problems, { kind: 'invalid' }] };
  if (big < 0n || big >= ULONG_LIMIT) return { ok: false, value, problems: [...problems, { kind: 'outside-type-range' }] };
  if (value < min || value > max) {
    return { ok: false, value, problems: [...problems, { kind: 'out-of-range', min: fmt(min), max: fmt(max) }] };
  }
  return { ok: true, value, problems };
}

/** check_true_false: true|on|yes → true, false|off|no → false, else undefined. */
export function readBool(text: string): boolean | undefined {
  if (text === 'true' || text === 'on' || text === 'yes') return true;
  if (text === 'false' || text === 'off' || text === 'no') return false;
  return undefined;
}

/** One-line description of a number problem, in the words of this project. */
export function describeNumberProblem(text: string, p: NumberProblem): string {
  switch (p.kind) {
    case 'invalid':
      return `invalid number '${text}'`;
    case 'negative':
      return `negative number '${text}'`;
    case 'outside-type-range':
      return `number '${text}' does not fit the value's type`;
    case 'out-of-range':
      return `number '${text}' outside range [${p.min}, ${p.max}]`;
    case 'too-many-decimals':
      return `number '${text}' has more than ${p.places} decimal places; keepalived rounds it`;
  }
}

/** Stable diagnostic code for a number problem. */
export function numberProblemCode(p: NumberProblem): string {
  switch (p.kind) {
    case 'invalid':
      return 'number-invalid';
    case 'negative':
      return 'number-negative';
    case 'outside-type-range':
      return 'number-overflow';
    case 'out-of-range':
      return 'number-out-of-range';
    case 'too-many-decimals':
      return 'number-too-many-decimals';
  }
}
