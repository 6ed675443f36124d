/**
 * The lint fence (eslint.config.js) refuses what the layer order forbids: each
 * probe is a line of code placed, by file path, in one layer and linted with
 * ESLint's own API, exactly as `npx eslint .` would lint it there.
 *
 * Probes 1–18 are the design review's: 11 the old fence missed and 7 it
 * caught (all must be refused now). Then what issue 9 adds (nothing below
 * the registry imports a backend, backends never import each other, no clock
 * outside the hosts), and probes that must pass, so a fence that refuses
 * everything fails too.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

interface Probe {
  readonly name: string;
  readonly file: string;
  readonly code: string;
  /** What the refusal must say (a part of ESLint's message). */
  readonly says?: string;
}

const imp = (from: string): string => `import * as probe from '${from}';\nexport const used = probe;\n`;

/** The review's 11 probes that the old fence let through. */
const MISSED_BEFORE: readonly Probe[] = [
  { name: 'scenario → docker', file: 'src/scenario/run.ts', code: imp('../docker/docker-backend.js'), says: 'src/scenario may import only' },
  { name: 'scenario → cli', file: 'src/scenario/run.ts', code: imp('../cli/main.js'), says: 'src/scenario may import only' },
  { name: 'docker → cli', file: 'src/docker/docker-backend.ts', code: imp('../cli/main.js'), says: 'src/docker may import only' },
  { name: 'runtime → docker', file: 'src/runtime/daemon.ts', code: imp('../docker/labels.js'), says: 'src/runtime may import only' },
  { name: 'runtime → scenario', file: 'src/runtime/daemon.ts', code: imp('../scenario/events.js'), says: 'src/runtime may import only' },
  { name: 'Date.now() in src/scenario/timeline.ts', file: 'src/scenario/timeline.ts', code: 'export const t = Date.now();\n', says: 'no clock in src/scenario' },
  { name: 'vrrp → ipvs', file: 'src/vrrp/router.ts', code: imp('../ipvs/index.js'), says: 'src/vrrp may import only core' },
  { name: 'ipvs → vrrp', file: 'src/ipvs/director.ts', code: imp('../vrrp/index.js'), says: 'src/ipvs may import only core' },
  { name: 'vrrp → config', file: 'src/vrrp/node-config.ts', code: imp('../config/model.js'), says: 'src/vrrp may import only core' },
  { name: 'core → vrrp', file: 'src/core/host.ts', code: imp('../vrrp/index.js'), says: 'src/core may import only itself' },
  { name: 'sim → scenario', file: 'src/sim/simulation.ts', code: imp('../scenario/events.js'), says: 'src/sim may import only' },
];

/** The review's 7 probes the old fence already caught. */
const CAUGHT_BEFORE: readonly Probe[] = [
  { name: 'vrrp → sim', file: 'src/vrrp/router.ts', code: imp('../sim/index.js'), says: 'src/vrrp may import only core' },
  { name: 'ipvs → runtime', file: 'src/ipvs/director.ts', code: imp('../runtime/system.js'), says: 'src/ipvs may import only core' },
  { name: 'core → scenario', file: 'src/core/backend.ts', code: imp('../scenario/run.js'), says: 'src/core may import only itself' },
  { name: 'config → vrrp', file: 'src/config/rules/cluster.ts', code: imp('../../vrrp/priority.js'), says: 'src/config may import only core' },
  { name: 'sim → docker', file: 'src/sim/sim-backend.ts', code: imp('../docker/index.js'), says: 'src/sim may import only' },
  { name: 'Math.random() in an engine', file: 'src/vrrp/router.ts', code: 'export const r = Math.random();\n', says: 'seeded Rng' },
  { name: 'Date.now() in the simulator', file: 'src/sim/simulation.ts', code: 'export const t = Date.now();\n', says: 'no clock in src/sim' },
];

/** What issue 9 adds: the seam, sibling backends, the fencing engine, clocks only in hosts. */
const SEAM: readonly Probe[] = [
  { name: 'scenario → sim', file: 'src/scenario/run.ts', code: imp('../sim/index.js'), says: 'src/scenario may import only' },
  { name: 'scenario → lab (the registry sits above scenarios)', file: 'src/scenario/run.ts', code: imp('../lab/backends.js'), says: 'src/scenario may import only' },
  { name: 'docker → sim', file: 'src/docker/capture.ts', code: imp('../sim/pcap.js'), says: 'src/docker may import only' },
  { name: 'runtime → sim', file: 'src/runtime/lvs-forwarder.ts', code: imp('../sim/lvs/wake.js'), says: 'src/runtime may import only' },
  { name: 'docker → scenario', file: 'src/docker/node-config.ts', code: imp('../scenario/topology.js'), says: 'src/docker may import only' },
  { name: 'sim → runtime', file: 'src/sim/sim-node.ts', code: imp('../runtime/daemon.js'), says: 'src/sim may import only' },
  { name: 'docker → runtime', file: 'src/docker/ts-node.ts', code: imp('../runtime/system.js'), says: 'src/docker may import only' },
  { name: 'sim → lab', file: 'src/sim/sim-backend.ts', code: imp('../lab/backends.js'), says: 'src/sim may import only' },
  { name: 'fencing → vrrp', file: 'src/fencing/quorum.ts', code: imp('../vrrp/index.js'), says: 'src/fencing may import only core' },
  { name: 'fencing → config', file: 'src/fencing/quorum.ts', code: imp('../config/model.js'), says: 'src/fencing may import only core' },
  { name: 'vrrp → fencing', file: 'src/vrrp/router.ts', code: imp('../fencing/quorum.js'), says: 'src/vrrp may import only core' },
  { name: 'ipvs → fencing', file: 'src/ipvs/director.ts', code: imp('../fencing/index.js'), says: 'src/ipvs may import only core' },
  { name: 'core → spec', file: 'src/core/backend.ts', code: imp('../spec/node-spec.js'), says: 'src/core may import only itself' },
  { name: 'core → fencing', file: 'src/core/engine.ts', code: imp('../fencing/index.js'), says: 'src/core may import only itself' },
  { name: 'spec → sim', file: 'src/spec/node-spec.ts', code: imp('../sim/types.js'), says: 'src/spec may import only' },
  { name: 'spec → scenario', file: 'src/spec/node-spec.ts', code: imp('../scenario/topology.js'), says: 'src/spec may import only' },
  { name: 'lab → cli', file: 'src/lab/backends.ts', code: imp('../cli/main.js'), says: 'src/lab may import only' },
  { name: 'setTimeout in a scenario', file: 'src/scenario/run.ts', code: 'setTimeout(() => undefined, 1);\n', says: 'no clock in src/scenario' },
  { name: 'timers/promises in a scenario', file: 'src/scenario/run.ts', code: imp('node:timers/promises'), says: 'no clock outside the hosts' },
  { name: 'performance.now() in the simulator', file: 'src/sim/simulation.ts', code: 'export const t = performance.now();\n', says: 'no clock in src/sim' },
  { name: "crypto's randomInt in a scenario", file: 'src/scenario/run.ts', code: "import { randomInt } from 'node:crypto';\nexport const s = randomInt(1);\n", says: 'seeded Rng' },
  { name: 'Math.random() in the simulator', file: 'src/sim/network.ts', code: 'export const r = Math.random();\n', says: 'seeded Rng' },
  { name: 'Date in the registry (it may seed, not tell time)', file: 'src/lab/backends.ts', code: 'export const t = new Date();\n', says: 'no clock in src/lab' },
  { name: 'Math.random() in the fencing engine', file: 'src/fencing/fencer.ts', code: 'export const r = Math.random();\n', says: 'seeded Rng' },
  { name: 'node:fs in the fencing engine', file: 'src/fencing/fencer.ts', code: imp('node:fs'), says: 'src/fencing is sans-I/O' },
  { name: 'node:fs in the node spec', file: 'src/spec/node-spec.ts', code: imp('node:fs'), says: 'src/spec is sans-I/O' },
  { name: 'check → sim (checkers read observations only)', file: 'src/check/vrrp.ts', code: imp('../sim/index.js'), says: 'src/check may import only core' },
  { name: 'check → vrrp', file: 'src/check/vrrp.ts', code: imp('../vrrp/index.js'), says: 'src/check may import only core' },
  { name: 'process in an engine', file: 'src/ipvs/director.ts', code: 'export const e = process.env.X;\n', says: 'pure layers read no environment' },
];

/** Imports and calls the layer order allows: none of these may be refused. */
const ALLOWED: readonly Probe[] = [
  { name: 'scenario → core (the Backend port)', file: 'src/scenario/run.ts', code: imp('../core/backend.js') },
  { name: 'scenario → spec', file: 'src/scenario/run.ts', code: imp('../spec/node-spec.js') },
  { name: 'scenario → config', file: 'src/scenario/topology.ts', code: imp('../config/model.js') },
  { name: 'sim → spec and an engine', file: 'src/sim/sim-backend.ts', code: imp('../spec/node-spec.js') + imp('../ipvs/index.js').replaceAll('probe', 'probe2') },
  { name: "sim → crypto's hash (not randomness)", file: 'src/sim/observations.ts', code: "import { createHash } from 'node:crypto';\nexport const h = createHash('sha256');\n" },
  { name: 'docker → config (the rewrite reads with the lexer)', file: 'src/docker/keepalived-config.ts', code: imp('../config/lexer.js') },
  { name: 'runtime reads the clock', file: 'src/runtime/daemon.ts', code: 'export const t = Date.now() + performance.now();\nsetTimeout(() => undefined, 1);\n' },
  { name: 'docker reads the clock', file: 'src/docker/docker-backend.ts', code: 'export const t = performance.now();\n' },
  { name: 'lab → every backend and scenario', file: 'src/lab/backends.ts', code: imp('../docker/docker-backend.js') + imp('../sim/sim-backend.js').replaceAll('probe', 'p2').replace('used', 'used2') + imp('../scenario/run.js').replaceAll('probe', 'p3').replace('used', 'used3') },
  { name: 'lab draws a fresh seed', file: 'src/lab/seed.ts', code: "import { randomInt } from 'node:crypto';\nexport const s = randomInt(1);\n" },
  { name: 'cli → docker and lab', file: 'src/cli/commands/run.ts', code: imp('../../docker/image.js') + imp('../../lab/backends.js').replaceAll('probe', 'p2').replace('used', 'used2') },
  { name: 'scenario and docker → check', file: 'src/docker/docker-backend.ts', code: imp('../check/index.js') },
  { name: 'fencing → core', file: 'src/fencing/quorum.ts', code: imp('../core/time.js') },
  { name: 'spec → engines', file: 'src/spec/node-spec.ts', code: imp('../vrrp/types.js') },
  { name: 'config reads files in its loader', file: 'src/config/fs-loader.ts', code: imp('node:fs') },
];

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function refusals(p: Probe): Promise<string[]> {
  const [result] = await eslint.lintText(p.code, { filePath: p.file });
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted-') === true || m.fatal === true).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the lint fence', () => {
  it('puts every probe in a file ESLint lints (none is ignored)', async () => {
    for (const p of [...MISSED_BEFORE, ...CAUGHT_BEFORE, ...SEAM, ...ALLOWED]) expect(await eslint.isPathIgnored(p.file), p.file).toBe(false);
  });

  describe.each([
    ['refuses what the old fence missed (the review’s 11)', MISSED_BEFORE],
    ['still refuses what the old fence caught (the review’s 7)', CAUGHT_BEFORE],
    ['refuses what the backend seam forbids', SEAM],
  ] as const)('%s', (_title, probes) => {
    it.each(probes.map((p) => [p.name, p]))('%s', async (_name, p) => {
      const found = await refusals(p);
      expect(found.length, `${p.file}: ${p.code}`).toBeGreaterThan(0);
      expect(found.join('\n')).toContain(p.says);
    });
  });

  it.each(ALLOWED.map((p) => [p.name, p]))('allows %s', async (_name, p) => {
    expect(await refusals(p)).toEqual([]);
  });
});
