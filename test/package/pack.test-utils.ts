/**
 * The package as a user gets it: `npm pack` of this repository, installed into
 * an empty project in a temporary folder outside it, with vitest and
 * testcontainers beside it — without the network.
 *
 * How it installs offline: `npm install TARBALL` would ask the registry for
 * every dependency's metadata, which `npm ci` never caches. So the scratch
 * project gets a package-lock of its own, cut from this repository's lock:
 * vrrp-lab (the tarball), vitest and testcontainers, and everything they need,
 * at the paths and integrities this repository installed. `npm ci --offline`
 * then takes every tarball from the npm cache by its integrity — the cache
 * that `npm ci` of this repository filled, on a CI machine as here. Install
 * scripts are not run: raw-socket's sources are all the node image needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly [key: string]: unknown;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, unknown>;
  readonly bin?: Record<string, string>;
  readonly engines?: Record<string, string>;
}

const depsOf = (e: LockEntry | PackageJson): Record<string, string> => ({ ...(e.dependencies ?? {}), ...(e.optionalDependencies ?? {}) });

/** Where Node would find `name` from the package installed at `from` (a lock path), walking up. */
function resolveIn(lock: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/** The scratch project's package.json and package-lock: the tarball, vitest, testcontainers and their closure. */
export function consumerLock(tarball: string): { packageJson: object; lock: object } {
  const repoLock = (JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const dev = pkg.devDependencies ?? {};
  const wanted = { 'vrrp-lab': `file:${tarball}`, vitest: dev['vitest'] as string, testcontainers: dev['testcontainers'] as string };
  const chosen = new Map<string, LockEntry>();
  const visit = (path: string | undefined): void => {
    if (path === undefined || chosen.has(path)) return;
    const entry = repoLock[path] as LockEntry;
    chosen.set(path, entry);
    for (const d of Object.keys(depsOf(entry))) visit(resolveIn(repoLock, path, d));
  };
  for (const d of [...Object.keys(depsOf(pkg)), 'vitest', 'testcontainers']) visit(resolveIn(repoLock, '', d));
  const packages: Record<string, object> = {
    '': { name: 'consumer', dependencies: wanted },
    'node_modules/vrrp-lab': {
      version: pkg.version, resolved: `file:${tarball}`,
      ...Object.fromEntries(['dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines'].filter((k) => k in pkg).map((k) => [k, pkg[k as keyof PackageJson]])),
    },
  };
  for (const [path, { dev: _dev, devOptional: _devOptional, ...entry }] of chosen) packages[path] = entry;
  return {
    packageJson: { name: 'consumer', private: true, type: 'module', dependencies: wanted },
    lock: { name: 'consumer', lockfileVersion: 3, requires: true, packages },
  };
}

export interface Consumer {
  /** The project; its parent (with the tarball) is the temporary folder `removeConsumer` deletes. */
  readonly dir: string;
  readonly tarball: string;
  readonly packSeconds: number;
  readonly installSeconds: number;
}

const run = (cmd: string, args: readonly string[], cwd: string, timeoutMs: number): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

/** dist/src is there and no file under src/ changed after it was built. */
function builtIsFresh(): boolean {
  const built = statSync(join(ROOT, 'dist', 'src', 'index.js'), { throwIfNoEntry: false });
  if (built === undefined) return false;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  return newest(join(ROOT, 'src')) <= built.mtimeMs;
}

let made: Promise<Consumer> | undefined;

/** Pack (which builds), make the scratch project and install it offline; once per test process. */
export function packedConsumer(): Promise<Consumer> {
  made ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-consumer-'));
    const t0 = performance.now();
    // `npm pack` builds (prepare); skip the build when dist/ is newer than every source, as after `npm ci`.
    if (!builtIsFresh()) run('npm', ['run', 'build'], ROOT, 600_000);
    const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT, 300_000);
    const tarball = (JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[])[0]?.filename as string;
    const t1 = performance.now();
    const project = join(dir, 'project');
    mkdirSync(project);
    const { packageJson, lock } = consumerLock(`../${tarball}`);
    writeFileSync(join(project, 'package.json'), JSON.stringify(packageJson, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project, 300_000);
    return { dir: project, tarball: join(dir, tarball), packSeconds: (t1 - t0) / 1000, installSeconds: (performance.now() - t1) / 1000 };
  })();
  return made;
}

/** Delete the temporary folder (the project and the tarball). */
export async function removeConsumer(): Promise<void> {
  if (made === undefined) return;
  const { dir } = await made.catch(() => ({ dir: undefined }));
  if (dir !== undefined) rmSync(dirname(dir), { recursive: true, force: true });
  made = undefined;
}

/** This process's environment without what vitest set for its own workers (the scratch project's vitest is a fresh one). */
const outsideVitest = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV'));

/** Run the scratch project's own vitest on its tests (in `cwd`, a folder of the project); the output and exit status. */
export function consumerVitest(consumer: Consumer, files: readonly string[], cwd = consumer.dir): { status: number; output: string } {
  const r = spawnSync(process.execPath, [join(consumer.dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...files], {
    cwd, encoding: 'utf8', timeout: 600_000, env: { ...outsideVitest(), CI: '1', NO_COLOR: '1', TESTCONTAINERS_RYUK_DISABLED: 'true' },
  });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}
