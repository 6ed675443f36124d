/**
 * Every scenario under scenarios/ runs on the selected backend (BACKEND, default
 * sim) and each of its expectations is one test, named after what it expects,
 * so a JUnit report reads as a list of facts about the cluster.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeExpectation } from '../../src/scenario/expectations.js';
import type { ScenarioRun } from '../../src/scenario/run.js';
import { loadScenarioFile } from '../../src/scenario/scenario-file.js';
import { reproduceWith, ScenarioAssertionError } from '../../src/scenario/vitest.js';
import { selectedBackend } from './backends.test-utils.js';

const root = join(import.meta.dirname, '..', '..', 'scenarios');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  // scenarios/cluster/ has its own grammar and test (test/scenarios/cluster-scenarios.test.ts).
  .filter((f) => f.endsWith('.scenario') && !f.startsWith(`cluster${sep}`))
  .sort()
  .map((f) => join(root, f));
const backend = selectedBackend();

describe.skipIf(backend.unavailable !== undefined)(`scenarios on ${backend.name}${backend.unavailable ? ` (skipped: ${backend.unavailable})` : ''}`, () => {
  it('finds the seed and classic scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  for (const file of files) {
    const scenario = loadScenarioFile(relative(process.cwd(), file));
    const label = relative(root, file);
    const refused = backend.refuses?.(scenario);
    describe.skipIf(refused !== undefined)(`${label}: ${scenario.name}${refused ? ` (skipped on ${backend.name}: ${refused})` : ''}`, () => {
      let run: ScenarioRun;
      beforeAll(async () => {
        run = await backend.run(scenario);
      }, backend.hookTimeoutMs);

      scenario.expectations.forEach((expectation, i) => {
        const where = expectation.location ? `line ${expectation.location.line}` : `#${i + 1}`;
        it(`${where}: ${describeExpectation(expectation)}`, () => {
          const result = run.results[i];
          if (result === undefined) throw new Error(`no result for expectation ${i}`);
          if (!result.ok) throw new ScenarioAssertionError(`${result.message}\n${reproduceWith(run.seed)}`);
        });
      });
    });
  }
});
