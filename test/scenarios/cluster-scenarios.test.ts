/**
 * Every cluster scenario in scenarios/cluster/ runs in the simulator and meets its
 * expectations; the broken ones report the corruption they cause.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClusterScenario } from '../../src/scenario/cluster/index.js';
import { runClusterScenario } from '../../src/lab/cluster/index.js';

const dir = 'scenarios/cluster';
const files = readdirSync(dir).filter((f) => f.endsWith('.scenario')).sort();

function run(file: string) {
  const path = join(dir, file);
  const scn = parseClusterScenario(readFileSync(path, 'utf8'), path, (p) => resolve(dirname(path), p));
  return { scn, result: runClusterScenario(scn, readFileSync(scn.configPath, 'utf8')) };
}

describe('cluster scenarios', () => {
  it('there are scenarios for both seeds and for what goes wrong', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(file, () => {
      const { scn, result } = run(file);
      if (process.env.SHOW_EVENTS) for (const e of result.events) if (e.kind !== 'disk' || e.op !== 'write') console.log(JSON.stringify(e));
      expect(scn.expectations.length).toBeGreaterThan(0);
      expect(result.failures.map((f) => `${f.expectation.loc.line}: expect ${f.expectation.text} — ${f.message}`)).toEqual([]);
    });
  }

  it('a run is deterministic: the same seed gives the same events', () => {
    const a = run('seed002-fence-race.scenario').result.events;
    const b = run('seed002-fence-race.scenario').result.events;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
