/**
 * Real keepalived 2.2.7's recordings replayed on containers: the same cases the
 * simulator is held to (test/oracle), run with `vrrp-lab run --backend docker`
 * and each engine — keepalived itself, and this project's daemon on raw sockets.
 * Per node and instance the states must match keepalived's recording and each
 * transition fall within 0.3 s (1.1 s where a check script decides).
 *
 * With --engine keepalived the run must also say what the container's config
 * rewrite replaced: the notify hook in every case, the script stub where
 * scripts decide.
 *
 * A full pass is 31 cases × 2 engines at 15–40 s each: by default the suite runs
 * a representative set (crash, graceful stop, nopreempt, preempt_delay, a
 * script weight, a link fault, one-line blocks, include with $DEFS and @host);
 * ORACLE_DOCKER=all runs every case, ORACLE_DOCKER=01-crash,08-linkdown the ones named.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigRewrite } from '../../src/core/backend.js';
import { compare, listCases, loadCase, replay, simulatedRows } from '../oracle/oracle.test-utils.js';
import { nodeImage, skipReason } from './docker-test-utils.js';

const DEFAULT_SET = ['01-crash', '02-graceful-stop', '04-nopreempt', '05-preempt-delay', '08-linkdown', '10-script-weight-negative', '27-oneline-blocks', '28-include-defs-host'];

function selected(): { name: string; recording: string }[] {
  const wanted = process.env.ORACLE_DOCKER;
  const all = listCases().filter((c) => c.recording === 'recorded.txt');
  if (wanted === 'all') return all;
  const names = wanted ? wanted.split(',').map((s) => s.trim()) : DEFAULT_SET;
  return all.filter((c) => names.includes(c.name));
}

/** Recordings whose timing is a race in reality (see test/oracle): same reasons hold on containers. */
const RACES: Readonly<Record<string, string>> = {
  '06-equal-priority': 'two equal priorities started together: the first process up wins, in keepalived too',
  '23-equal-priority-start': 'two equal priorities started together: the first process up wins, in keepalived too',
  '07-three-nodes': "the recorder's pause lands after an advert the replay's pause precedes (see test/oracle)",
  '26-partition-unnamed-node':
    "the heal races lb2's advert 50-70 ms after it: when the heal's exec lands after that advert, lb2 yields at lb1's next one instead, ~0.45 s later (1 of 4 recordings did the same; 2 of 6 replays on a loaded host)",
};

describe.skipIf(skipReason !== undefined)('keepalived recordings replayed on Docker', () => {
  for (const engine of ['keepalived', 'ts'] as const) {
    for (const { name, recording } of selected()) {
      const test = RACES[name] === undefined ? it : it.skip;
      test(`${name} with --engine ${engine}: same states, transitions within tolerance`, async () => {
        await nodeImage();
        const c = loadCase(name, recording);
        const { json, exitCode, stderr, argv } = await replay(c, { backend: 'docker', engine });
        expect([0, 1], `vrrp-lab ${argv.join(' ')}\n${stderr}`).toContain(exitCode);
        if (engine === 'keepalived') {
          const rewrites = (json as { rewrites?: readonly ConfigRewrite[] }).rewrites ?? [];
          expect(rewrites.some((r) => r.kind === 'notify'), 'the notify hook replaced in every case').toBe(true);
          if (c.scripted) expect(rewrites.some((r) => r.kind === 'script'), 'the script stub where scripts decide').toBe(true);
        }
        const result = compare(c, simulatedRows(json, c.untilS));
        if (!result.ok) throw new Error(`${name} on Docker (${engine}) differs from keepalived 2.2.7:\n${result.lines.join('\n')}\nreplay: vrrp-lab ${argv.join(' ')}`);
      });
    }
  }
});
