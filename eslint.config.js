// Lint keeps the architecture honest: engines are pure (no I/O, no clock, no
// randomness but the seeded one), and imports only flow downward.
//
// The layer table (LAYERS) is the fence: each folder of src/ names the folders
// it may import; every other folder is refused. It follows STYLE.md "Layout":
//
//   core ← config, vrrp, ipvs, fencing (engines: core only, never each other)
//        ← check (the checkers: they read observations only)
//        ← spec (the backend-neutral node spec)
//        ← sim, runtime, docker (backends: siblings that never import each other)
//        ← scenario (talks to a backend only through core's Backend port)
//        ← lab (the one registry below the CLI that names backends)
//        ← testing (what users' test suites import: matchers, the vitest setup,
//          the testcontainers module; a host: its waits run on real time)
//        ← lesson (the lab's lessons: read, run as live sessions, graded)
//        ← cli, tui (tui: the terminal lab, a host; it sees a session through
//          lesson/contract.ts)
//
// Clocks and randomness (Date, performance, timers, Math.random, crypto's
// random) are for the hosts only: runtime, docker and cli run on real time;
// the simulator runs on virtual time and everything else takes `now` as input.
// The registry (src/lab) may also draw a fresh seed, never read a clock.
// test/unit/lint-fence.test.ts probes each rule; test/unit/import-graph.test.ts
// checks the real graph of src/ against the same table.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ENGINES = ['vrrp', 'ipvs', 'fencing'];
const BACKENDS = ['sim', 'runtime', 'docker'];

/** Folder of src/ → the folders it may import (besides itself). */
export const LAYERS = {
  core: [],
  config: ['core'],
  vrrp: ['core'],
  ipvs: ['core'],
  fencing: ['core'],
  check: ['core'],
  spec: ['core', ...ENGINES],
  sim: ['core', 'config', ...ENGINES, 'check', 'spec'],
  runtime: ['core', 'config', ...ENGINES, 'check', 'spec'],
  docker: ['core', 'config', ...ENGINES, 'check', 'spec'],
  scenario: ['core', 'config', ...ENGINES, 'check', 'spec'],
  lab: ['core', 'config', ...ENGINES, 'check', 'spec', ...BACKENDS, 'scenario'],
  testing: ['core', 'config', ...ENGINES, 'check', 'spec', ...BACKENDS, 'scenario', 'lab'],
  lesson: ['core', 'config', ...ENGINES, 'check', 'spec', 'scenario', 'lab'],
  tui: ['core', 'config', ...ENGINES, 'check', 'spec', 'scenario', 'lesson'],
  cli: ['core', 'config', ...ENGINES, 'check', 'spec', ...BACKENDS, 'scenario', 'lab', 'testing', 'lesson', 'tui'],
};

/** Folders that run on a real clock: the only ones that may read it or draw unseeded randomness. */
export const HOSTS = ['runtime', 'docker', 'testing', 'cli', 'tui'];
/** Besides the hosts, the registry may draw a fresh seed for a run nobody seeded (src/lab/seed.ts). */
const SEEDERS = [...HOSTS, 'lab'];

/** Folders with no I/O at all: they take inputs and return outputs. */
const PURE = ['core', ...ENGINES, 'check', 'spec'];

const tests = ['**/*.test.ts', '**/*.test.tsx', '**/*.test-utils.ts'];
const CLOCKS = ['setTimeout', 'setInterval', 'setImmediate', 'Date', 'performance'];
const IO_MODULES = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'dgram', 'dockerode', 'testcontainers', 'ink', 'react', 'raw-socket'];
const RANDOM_PATHS = ['node:crypto', 'crypto'].map((name) => ({ name, importNames: ['randomInt', 'randomBytes', 'randomUUID', 'getRandomValues', 'randomFillSync', 'randomFill'], message: 'randomness only from the seeded Rng (core/rng.ts); a fresh seed is drawn by a host (src/lab, src/cli)' }));
const CLOCK_PATHS = ['node:timers', 'node:timers/promises', 'node:perf_hooks', 'timers', 'perf_hooks'].map((name) => ({ name, message: 'no clock outside the hosts (runtime, docker, cli): take `now` as input' }));

function refusedFolders(layer) {
  const allowed = new Set([layer, ...LAYERS[layer]]);
  return Object.keys(LAYERS).filter((f) => !allowed.has(f));
}

function fence(layer, { io = !PURE.includes(layer), files = [`src/${layer}/**/*.{ts,tsx}`], ignores = [] } = {}) {
  const host = HOSTS.includes(layer);
  const refused = refusedFolders(layer);
  const patterns = refused.length === 0 ? [] : [{ group: refused.flatMap((f) => [`**/${f}/**`, `**/${f}`]), message: `src/${layer} may import only ${LAYERS[layer].join(', ') || 'itself'} (eslint.config.js LAYERS)` }];
  if (!io) patterns.push({ group: IO_MODULES, message: `src/${layer} is sans-I/O: take inputs, return outputs` });
  const paths = [...(SEEDERS.includes(layer) ? [] : RANDOM_PATHS), ...(host ? [] : CLOCK_PATHS)];
  const rules = patterns.length + paths.length === 0 ? {} : { 'no-restricted-imports': ['error', { ...(patterns.length ? { patterns } : {}), ...(paths.length ? { paths } : {}) }] };
  if (!host) {
    rules['no-restricted-globals'] = ['error', ...CLOCKS.map((name) => ({ name, message: `no clock in src/${layer}: take \`now\` as input (hosts: ${HOSTS.join(', ')})` })), ...(io ? [] : [{ name: 'process', message: 'pure layers read no environment' }])];
  }
  if (!SEEDERS.includes(layer)) {
    rules['no-restricted-properties'] = ['error', ...[['Math', 'random'], ['crypto', 'getRandomValues'], ['crypto', 'randomUUID']].map(([object, property]) => ({ object, property, message: 'use the seeded Rng from core/rng.ts' }))];
  }
  return { files, ignores: [...tests, ...ignores], rules };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...Object.keys(LAYERS).filter((l) => l !== 'config').map((layer) => fence(layer)),
  // The config layer reads files only through its own loader.
  fence('config', { io: false, ignores: ['src/config/fs-loader.ts'] }),
  fence('config', { io: true, files: ['src/config/fs-loader.ts'] }),
);
