/**
 * The last line of every assertion failure: the command that reruns the run
 * with the same seed. In a test file, the test runner on that file (SEED is
 * read by runScenario); outside one, the CLI on the scenario file.
 */
import { isAbsolute, relative } from 'node:path';

/** Paths under the working folder are shown relative to it, as a user would type them. */
const shown = (path: string): string => {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

export interface ReproduceWhere {
  readonly testFile?: string;
  readonly scenarioFile?: string;
  /** The CLI command that runs the scenario file (default `simulate`). */
  readonly command?: string;
  /** The command takes `--seed` (cluster scenarios carry their seed in the file). Default true. */
  readonly seedOption?: boolean;
}

export function reproduceWith(seed: number, where: ReproduceWhere): string {
  if (where.testFile !== undefined) return `reproduce with: SEED=${seed} npx vitest run ${shown(where.testFile)}`;
  if (where.scenarioFile !== undefined) return `reproduce with: npx vrrp-lab ${where.command ?? 'simulate'} ${shown(where.scenarioFile)}${where.seedOption === false ? '' : ` --seed ${seed}`}`;
  return `reproduce with: SEED=${seed} npx vitest run <test file>`;
}
