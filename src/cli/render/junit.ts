/**
 * JUnit XML, the report every CI system reads (GitHub Actions' test reporters,
 * GitLab's `artifacts:reports:junit`, Jenkins): one `<testsuite>` per input file,
 * one `<testcase>` per check in it.
 *
 * Rules:
 * - Attribute values escape & < > " '; text goes in CDATA, with `]]>` split
 *   across two sections. Characters XML 1.0 forbids (C0 controls but tab,
 *   newline and carriage return; lone surrogates; U+FFFE/U+FFFF) are dropped:
 *   a message quoting a binary config must not make the report unreadable.
 * - A failure's `message` attribute is its first line; the whole text follows.
 * - Times are seconds with millisecond precision.
 */

export interface JunitOutcome {
  /** First line goes to `message`; the whole text is the element's body. */
  readonly text: string;
  readonly type?: string;
}

export interface JunitCase {
  readonly name: string;
  readonly classname: string;
  readonly file?: string;
  readonly line?: number;
  readonly timeS?: number;
  /** Each a `<failure>` (validate gives one per error in the file). */
  readonly failures?: readonly JunitOutcome[];
  /** The check could not run (bad input, an environment error). */
  readonly error?: JunitOutcome;
  /** Why it was skipped. */
  readonly skipped?: string;
}

export interface JunitSuite {
  readonly name: string;
  readonly file?: string;
  readonly timeS?: number;
  readonly cases: readonly JunitCase[];
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const clean = (s: string): string => s.replace(FORBIDDEN, '');

export const xmlAttribute = (s: string): string =>
  clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

export const cdata = (s: string): string => `<![CDATA[${clean(s).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

const seconds = (s: number | undefined): string => (s ?? 0).toFixed(3);

function attributes(pairs: Record<string, string | number | undefined>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttribute(String(v))}"`)
    .join('');
}

function outcome(tag: 'failure' | 'error', o: JunitOutcome): string {
  const first = o.text.split('\n', 1)[0] ?? '';
  return `      <${tag}${attributes({ message: first, type: o.type ?? tag })}>${cdata(o.text)}</${tag}>\n`;
}

function testcase(c: JunitCase): string {
  const attrs = attributes({ name: c.name, classname: c.classname, file: c.file, line: c.line, time: seconds(c.timeS) });
  const body = [...(c.failures ?? []).map((f) => outcome('failure', f)), c.error ? outcome('error', c.error) : '', c.skipped !== undefined ? `      <skipped${attributes({ message: c.skipped })}/>\n` : ''].join('');
  return body === '' ? `    <testcase${attrs}/>\n` : `    <testcase${attrs}>\n${body}    </testcase>\n`;
}

const count = (cases: readonly JunitCase[]) => ({
  tests: cases.length,
  failures: cases.filter((c) => (c.failures ?? []).length > 0).length,
  errors: cases.filter((c) => c.error && (c.failures ?? []).length === 0).length,
  skipped: cases.filter((c) => c.skipped !== undefined).length,
});

/** The whole report: `<testsuites>` with one `<testsuite>` per suite given. */
export function renderJunit(name: string, suites: readonly JunitSuite[]): string {
  const all = suites.flatMap((s) => s.cases);
  const total = suites.reduce((t, s) => t + (s.timeS ?? 0), 0);
  const body = suites
    .map((s) => `  <testsuite${attributes({ name: s.name, file: s.file, ...count(s.cases), time: seconds(s.timeS) })}>\n${s.cases.map(testcase).join('')}  </testsuite>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attributes({ name, ...count(all), time: seconds(total) })}>\n${body}</testsuites>\n`;
}
