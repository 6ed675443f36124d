/**
 * Issue 12's check, as a user meets the package: `npm pack`, install the
 * tarball into an empty project outside the repository (offline: see
 * pack.test-utils.ts), and run a vitest suite there that imports `vrrp-lab`,
 * `vrrp-lab/vitest` and `vrrp-lab/testcontainers`, simulates a held-out
 * scenario and asserts with the matchers. The Docker half lives in
 * test/docker/package.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConsumerFiles } from './consumer-files.test-utils.js';
import { consumerVitest, packedConsumer, removeConsumer, ROOT, type Consumer } from './pack.test-utils.js';

describe('the packed package in a project of its own', { timeout: 600_000 }, () => {
  let consumer: Consumer;
  beforeAll(async () => {
    consumer = await packedConsumer();
    writeConsumerFiles(consumer.dir);
    mkdirSync(join(consumer.dir, 'reports'), { recursive: true });
    console.info(`npm pack ${consumer.packSeconds.toFixed(1)} s, offline install ${consumer.installSeconds.toFixed(1)} s`);
  }, 600_000);
  afterAll(removeConsumer);

  it('installs what a user needs: the built entry points with source maps that carry their sources, the node image inputs, the scenarios; no tests, no sources', () => {
    const pkg = join(consumer.dir, 'node_modules', 'vrrp-lab');
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/testing/vitest.js', 'dist/src/testing/matchers.d.ts', 'dist/src/testing/testcontainers/index.js', 'Dockerfile.node', 'docker/observe.sh', 'docker/control.sh', 'bin/vrrp-lab.js', 'scenarios/classic/master-crash.scenario', 'labs/01-election/lesson.md']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    for (const f of ['src/index.ts', 'dist/src/testing/matchers.test.js', 'test', 'package-lock.json']) expect(existsSync(join(pkg, f)), f).toBe(false);
    // vite (vitest) reads the maps the compiled files name: each must be there, with its source inside.
    const map = JSON.parse(readFileSync(join(pkg, 'dist/src/testing/vitest.js.map'), 'utf8')) as { sourcesContent?: string[] };
    expect(map.sourcesContent?.[0]).toContain('expect.extend(vrrpMatchers)');
    // raw-socket is optional and installed here (its sources feed the node image); testcontainers is a peer the project chose.
    expect(existsSync(join(consumer.dir, 'node_modules', 'raw-socket', 'binding.gyp'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies: object; peerDependenciesMeta: object };
    expect(Object.keys(manifest.dependencies)).not.toContain('testcontainers');
    expect(manifest.peerDependenciesMeta).toEqual({ testcontainers: { optional: true }, vitest: { optional: true } });
  });

  it("runs the project's vitest suite: vrrp-lab, vrrp-lab/vitest, vrrp-lab/matchers and vrrp-lab/testcontainers import, the held-out scenario simulates, the matchers pass and fail as they should", () => {
    const { status, output } = consumerVitest(consumer, ['tests/sim.test.ts']);
    expect(output).toMatch(/Tests\s+2 passed/);
    expect(output).not.toContain('Failed to load source map');
    expect(status).toBe(0);
  });

  it("examples/ci runs as a user's project would run it: its vitest suite on the simulator and its scenarios", () => {
    const example = join(consumer.dir, 'example');
    for (const f of ['ha', 'scenarios', 'tests', 'vitest.config.ts', 'global-setup.ts']) cpSync(join(ROOT, 'examples', 'ci', f), join(example, f), { recursive: true });
    const { status, output } = consumerVitest(consumer, [], example);
    expect(output).toMatch(/Tests\s+2 passed \| 2 skipped/);
    expect(status).toBe(0);
    const out = execFileSync(process.execPath, [join(consumer.dir, 'node_modules', '.bin', 'vrrp-lab'), 'test', 'scenarios/'], { cwd: example, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(out.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed');
  });

  it('the installed command runs the project\'s scenarios: npx vrrp-lab test scenarios --junit', () => {
    const out = execFileSync(process.execPath, [join(consumer.dir, 'node_modules', '.bin', 'vrrp-lab'), 'test', 'scenarios', '--junit', 'reports/scenarios.xml'], { cwd: consumer.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(out.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(readFileSync(join(consumer.dir, 'reports', 'scenarios.xml'), 'utf8')).toMatch(/<testsuite name="scenarios\/held-out\.scenario"[^>]* tests="4" failures="0"/);
  });

  it("the installed lab finds the package's own lessons, not the current folder's: npx vrrp-lab lab --check 01-election --solution", () => {
    const out = execFileSync(process.execPath, [join(consumer.dir, 'node_modules', '.bin', 'vrrp-lab'), 'lab', '--check', '01-election', '--solution'], { cwd: consumer.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    expect(out).toMatch(/^PASS 01-election/);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^(\d+) of \1 tasks passed in 1 lesson$/);
  });
});
