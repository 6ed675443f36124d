/**
 * What each command's `--junit FILE` reports, in the one JUnit shape
 * (render/junit.ts): `test` and `simulate`/`run` give a testsuite per scenario
 * file and a testcase per `expect` line, the failure text the matcher's
 * message; `validate` gives a testcase per configuration file and a failure
 * per error in it.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { reproduceWith } from '../scenario/reproduce.js';
import type { ScenarioRun } from '../scenario/run.js';
import { renderJunit, type JunitCase, type JunitSuite } from './render/junit.js';
import { writeOutput } from './output-path.js';
import type { SuiteFile } from './scenario-suite.js';

const caseName = (name: string, line: number | undefined): string => (line === undefined ? name : `line ${line}: ${name}`);

/** One file of `vrrp-lab test` as a testsuite. */
function fileSuite(f: SuiteFile, backend: string): JunitSuite {
  const classname = `${f.file} [${f.kind === 'cluster' ? 'sim' : backend}]`;
  const cases: JunitCase[] = f.status === 'error'
    ? [{ name: 'the scenario runs', classname, file: f.file, error: { text: f.reason ?? 'cannot run', type: 'scenario-error' } }]
    : f.checks.map((c) => ({
      name: caseName(c.name, c.line),
      classname,
      file: f.file,
      ...(c.line === undefined ? {} : { line: c.line }),
      ...(f.status === 'skipped' ? { skipped: f.reason ?? 'skipped' } : {}),
      ...(c.ok ? {} : { failures: [{ text: c.message ?? c.name, type: 'expectation' }] }),
    }));
  if (f.status === 'skipped' && cases.length === 0) cases.push({ name: 'the scenario runs', classname, file: f.file, skipped: f.reason ?? 'skipped' });
  return { name: f.file, file: f.file, timeS: f.seconds, cases };
}

export function suiteToJunit(files: readonly SuiteFile[], backend: string): JunitSuite[] {
  return files.map((f) => fileSuite(f, backend));
}

/** One scenario run (`simulate`, `run`) as a testsuite; `rerun` ends each failure. */
export function runToJunit(run: ScenarioRun, name: string, seconds: number, rerun: string): JunitSuite {
  const file = run.prepared.scenario.file;
  return {
    name,
    ...(file === undefined ? {} : { file }),
    timeS: seconds,
    cases: run.results.map((r) => ({
      name: caseName(r.description, r.expectation.location?.line),
      classname: name,
      ...(file === undefined ? {} : { file }),
      ...(r.expectation.location ? { line: r.expectation.location.line } : {}),
      ...(r.ok ? {} : { failures: [{ text: `${r.message ?? `expected: ${r.description}`}\n${rerun}`, type: 'expectation' }] }),
    })),
  };
}

/** `validate`: a testcase per file, a failure per error (file:line:col: message). */
export function validationToJunit(files: readonly { readonly file: string; readonly diagnostics: readonly Diagnostic[] }[]): JunitSuite {
  return {
    name: 'vrrp-lab validate',
    cases: files.map((f) => ({
      name: f.file,
      classname: 'vrrp-lab validate',
      file: f.file,
      failures: f.diagnostics.filter((d) => d.severity === 'error').map((d) => ({
        text: `${d.file ?? f.file}:${d.line ?? 1}:${d.column ?? 1}: error[${d.code}]: ${d.message}${d.hint ? `\n${d.hint}` : ''}`,
        type: d.code,
      })),
    })),
  };
}

/** `simulate`/`run` with `--junit FILE`: the run's expectations as one testsuite. */
export function writeRunJunit(options: Readonly<Record<string, unknown>>, cwd: string, run: ScenarioRun, command: string, seconds: number): void {
  const path = options['junit'];
  if (typeof path !== 'string') return;
  const file = run.prepared.scenario.file;
  const shown = file === undefined ? undefined : file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
  const rerun = reproduceWith(run.seed, shown === undefined ? {} : { scenarioFile: shown, command });
  writeJunit(path, cwd, [runToJunit(run, shown ?? run.prepared.scenario.name, seconds, rerun)]);
}

export function writeJunit(path: string, cwd: string, suites: readonly JunitSuite[]): void {
  writeOutput('--junit', path, cwd, renderJunit('vrrp-lab', suites));
}
