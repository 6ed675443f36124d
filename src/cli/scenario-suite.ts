/**
 * A folder of `.scenario` files as a test suite: find them, run each (VRRP
 * scenarios on the chosen backend, cluster scenarios on the simulator), and
 * give one outcome per file with one check per `expect` line — what
 * `vrrp-lab test` prints and writes as JUnit.
 *
 * Theory of operation: a file is a cluster scenario when it names a cluster
 * configuration (`config FILE`), else a VRRP scenario. Each `expect` line is
 * one check; its failure text is the matcher's message (expectation, timeline
 * excerpt, seed) ending with the command that reruns that file. A file that
 * cannot run (a located mistake, an unreadable config) is an error: it counts
 * as failed. On Docker, scenarios run `jobs` at a time — each cluster gets
 * subnets of its own — and cluster scenarios, which Docker does not run, are
 * skipped with that reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError, ScenarioError, UsageError } from '../core/errors.js';
import { runClusterScenario } from '../lab/cluster/run-scenario.js';
import type { NodeBackend } from '../spec/node-spec.js';
import { parseClusterScenario } from '../scenario/cluster/index.js';
import { DEFAULT_OVERLAP_US } from '../scenario/invariants.js';
import { keepalivedParser } from '../scenario/keepalived-parser.js';
import { realClockSlackUs, withRealClockSlack } from '../scenario/real-clock.js';
import { reproduceWith } from '../scenario/reproduce.js';
import { runScenario } from '../scenario/run.js';
import { loadScenarioFile } from '../scenario/scenario-file.js';
import { formatDiagnostic, ScenarioFileError } from '../scenario/scenario.js';
import { prepareScenario } from '../scenario/topology.js';
import { clusterFailureText } from '../testing/cluster-matchers.js';
import { simulate } from '../lab/simulate.js';

export interface SuiteCheck {
  /** The `expect` line, in words. */
  readonly name: string;
  readonly line?: number;
  readonly ok: boolean;
  /** The failure text (the matcher's message). */
  readonly message?: string;
}

export interface SuiteFile {
  /** As shown: relative to the working folder when under it. */
  readonly file: string;
  readonly kind: 'vrrp' | 'cluster';
  readonly status: 'passed' | 'failed' | 'skipped' | 'error';
  readonly checks: readonly SuiteCheck[];
  readonly seconds: number;
  readonly seed?: number;
  /** Why it was skipped, or the error that stopped it. */
  readonly reason?: string;
}

export interface SuiteOptions {
  readonly cwd: string;
  readonly backend: 'sim' | 'docker';
  /** Docker: the opened backend (sim runs need none). */
  readonly openDocker?: () => Promise<NodeBackend>;
  readonly seed?: number;
  readonly jobs: number;
  readonly onFile?: (f: SuiteFile) => void;
}

const SKIP_DIRS = new Set(['node_modules']);

/** Every `.scenario` file under the paths (a file named is taken as is), sorted, each once. */
export function findScenarioFiles(paths: readonly string[], cwd: string): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && e.name.endsWith('.scenario')) out.add(path);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (st === undefined) throw new UsageError(`${p}: no such file or folder`);
    if (st.isDirectory()) walk(abs);
    else out.add(abs);
  }
  return [...out];
}

const shown = (abs: string, cwd: string): string => {
  const rel = relative(cwd, abs);
  return rel.startsWith('..') ? abs : rel;
};

export const isClusterScenario = (text: string): boolean => /^[ \t]*config[ \t]+\S/m.test(text);

async function runVrrp(abs: string, file: string, options: SuiteOptions): Promise<Omit<SuiteFile, 'seconds'>> {
  const scenario = loadScenarioFile(abs);
  const prepared = prepareScenario(scenario, { parse: keepalivedParser });
  let run;
  if (options.backend === 'sim') {
    run = (await simulate(prepared, options.seed === undefined ? {} : { seed: options.seed })).run;
  } else {
    const backend = await (options.openDocker as () => Promise<NodeBackend>)();
    const slackUs = realClockSlackUs(prepared);
    run = await runScenario({ ...prepared, scenario: withRealClockSlack(prepared.scenario, slackUs) }, backend, { ...(options.seed === undefined ? {} : { seed: options.seed }), overlapUs: DEFAULT_OVERLAP_US + slackUs });
  }
  const rerun = reproduceWith(run.seed, { scenarioFile: file, command: options.backend === 'sim' ? 'simulate' : 'run --backend docker' });
  const checks = run.results.map((r): SuiteCheck => ({
    name: r.description,
    ...(r.expectation.location ? { line: r.expectation.location.line } : {}),
    ok: r.ok,
    ...(r.ok ? {} : { message: `${(r.message ?? `expected: ${r.description}`).split(abs).join(file)}\n${rerun}` }),
  }));
  return { file, kind: 'vrrp', status: checks.every((c) => c.ok) ? 'passed' : 'failed', checks, seed: run.seed };
}

function runCluster(abs: string, text: string, file: string, options: SuiteOptions): Omit<SuiteFile, 'seconds'> {
  const scn = parseClusterScenario(text, file, (p) => resolve(dirname(abs), p));
  if (options.backend !== 'sim') {
    const checks = scn.expectations.map((x) => ({ name: `expect ${x.text}`, line: x.loc.line, ok: true }));
    return { file, kind: 'cluster', status: 'skipped', checks, reason: 'cluster scenarios run on the simulator only (--backend sim)' };
  }
  const run = runClusterScenario(scn, readFileSync(scn.configPath, 'utf8'));
  const rerun = `seed ${run.seed}\n${reproduceWith(run.seed, { scenarioFile: file, command: 'cluster scenario', seedOption: false })}`;
  const checks = scn.expectations.map((x): SuiteCheck => {
    const f = run.failures.find((y) => y.expectation === x);
    return { name: `expect ${x.text}`, line: x.loc.line, ok: f === undefined, ...(f === undefined ? {} : { message: `${clusterFailureText(run, f)}\n${rerun}` }) };
  });
  return { file, kind: 'cluster', status: checks.every((c) => c.ok) ? 'passed' : 'failed', checks, seed: run.seed };
}

/** A located mistake or an unreadable file: the text to show; anything else is rethrown. */
function inputErrorText(e: unknown, cwd: string): string {
  if (e instanceof ScenarioFileError) return e.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic({ ...d, ...(d.file ? { file: shown(d.file, cwd) } : {}) })).join('\n');
  if (e instanceof ScenarioError || e instanceof ConfigError) return `error[${e.code}]: ${e.message}`;
  if ((e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'EISDIR') return `error: ${(e as Error).message}`;
  throw e;
}

export async function runScenarioFile(abs: string, options: SuiteOptions): Promise<SuiteFile> {
  const started = performance.now();
  const file = shown(abs, options.cwd);
  const seconds = (): number => (performance.now() - started) / 1000;
  try {
    const text = readFileSync(abs, 'utf8');
    const outcome = isClusterScenario(text) ? runCluster(abs, text, file, options) : await runVrrp(abs, file, options);
    return { ...outcome, seconds: seconds() };
  } catch (e) {
    return { file, kind: 'vrrp', status: 'error', checks: [], seconds: seconds(), reason: inputErrorText(e, options.cwd) };
  }
}

/** Run every file, `jobs` at a time; results in the files' order. */
export async function runSuite(files: readonly string[], options: SuiteOptions): Promise<SuiteFile[]> {
  const results: SuiteFile[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const r = await runScenarioFile(files[i] as string, options);
      results[i] = r;
      options.onFile?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, files.length)) }, worker));
  return results;
}
