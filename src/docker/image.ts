/**
 * The lab node image: `vrrp-lab/node:<hash of its inputs>`.
 *
 * Theory of operation: the inputs are Dockerfile.node, the scripts in docker/,
 * the compiled node daemon (dist/src/{core,vrrp,ipvs,runtime}, plain ESM that runs
 * on the image's Node 18), the sources of its native addon (raw-socket, nan,
 * compiled in the image) and package-lock.json. Their hash names the image, so
 * a build is skipped when an image of that name exists, and a change to any
 * input makes a new one. The base image is the build argument BASE_IMAGE:
 * `debian:bookworm-slim` when the engine has it or can pull it; otherwise the
 * lab makes `vrrp-lab/base:bookworm` itself with debootstrap and `docker import`
 * (machines without an image registry).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { isNotFound } from './docker-client.js';
import { ImageBuildError, ImageMissingError } from './errors.js';

export const NODE_IMAGE_REPO = 'vrrp-lab/node';
export const UPSTREAM_BASE = 'debian:bookworm-slim';
export const LOCAL_BASE = 'vrrp-lab/base:bookworm';
const DAEMON_MODULES = ['core', 'vrrp', 'ipvs', 'runtime'];
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

export type Progress = (line: string) => void;

/** The project's root: the nearest folder up from this module with Dockerfile.node. */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'Dockerfile.node')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new ImageBuildError('image-build-failed', `cannot find the project (Dockerfile.node) above ${from}`);
  }
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/**
 * The folders of raw-socket and of the nan it builds with, found by module
 * resolution as Node would find them: in this project's node_modules, or — when
 * vrrp-lab is a dependency — wherever npm hoisted them in the user's project.
 * nan inside raw-socket's own node_modules comes along with raw-socket.
 */
export function addonSources(require: NodeRequire = createRequire(import.meta.url)): Map<string, string> {
  let rawSocket: string;
  try {
    rawSocket = require.resolve('raw-socket/package.json');
  } catch (cause) {
    throw new ImageBuildError(
      'daemon-not-built',
      'the node image compiles the native addon raw-socket from its sources, and it is not installed: it is an optional dependency of vrrp-lab ' +
        '(skipped where it cannot build); install it with `npm install raw-socket` (it needs python3, make and a C++ compiler)',
      { cause },
    );
  }
  const out = new Map([['raw-socket', dirname(rawSocket)]]);
  const nan = dirname(createRequire(rawSocket).resolve('nan/package.json'));
  if (relative(dirname(rawSocket), nan).startsWith('..')) out.set('nan', nan);
  return out;
}

/** Build-context path → file on disk, in a fixed order. */
export function imageInputs(root: string): Map<string, string> {
  const files = new Map<string, string>([['Dockerfile.node', join(root, 'Dockerfile.node')]]);
  for (const f of walk(join(root, 'docker'))) files.set(relative(root, f), f);
  const dist = join(root, 'dist', 'src');
  if (!existsSync(join(dist, 'core'))) {
    throw new ImageBuildError('daemon-not-built', 'the node daemon is not compiled yet: run `npm run build` first (the image carries dist/src/{core,vrrp,ipvs,runtime})');
  }
  // The native addon's sources, wherever npm put them; compiled in the image.
  for (const [pkg, dir] of addonSources()) {
    for (const f of walk(dir).filter((p) => !relative(dir, p).split(/[\\/]/).some((part) => part === 'build' || part === 'example'))) {
      files.set(join('addon', pkg, relative(dir, f)), f);
    }
  }
  for (const m of DAEMON_MODULES) {
    for (const f of walk(join(dist, m)).filter((p) => p.endsWith('.js') && !p.endsWith('.test.js') && !p.endsWith('.test-utils.js'))) {
      files.set(join('daemon', 'src', relative(dist, f)), f);
    }
  }
  return files;
}

/** The image name for the current inputs. */
export function nodeImageTag(root = projectRoot()): string {
  const hash = createHash('sha256');
  const inputs = imageInputs(root);
  const lock = join(root, 'package-lock.json');
  for (const [name, path] of [...inputs, ['package-lock.json', lock] as const]) {
    if (!existsSync(path)) continue;
    hash.update(`${name}\0`).update(readFileSync(path)).update('\0');
  }
  return `${NODE_IMAGE_REPO}:${hash.digest('hex').slice(0, 12)}`;
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** The node image for the current inputs, or ImageMissingError naming the command that builds it. */
export async function requireNodeImage(docker: Docker, image = nodeImageTag()): Promise<string> {
  if (!(await imageExists(docker, image))) throw new ImageMissingError(image);
  return image;
}

async function followProgress(docker: Docker, stream: NodeJS.ReadableStream, progress: Progress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (event: { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error || event.errorDetail) reject(new Error(event.errorDetail?.message ?? event.error));
        const text = (event.stream ?? event.status ?? '').trimEnd();
        if (text) for (const line of text.split('\n')) progress(line);
      },
    );
  });
}

async function tryPull(docker: Docker, image: string, progress: Progress): Promise<boolean> {
  try {
    const stream = await Promise.race([docker.pull(image), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 20_000).unref())]);
    await followProgress(docker, stream, () => undefined);
    return true;
  } catch (e) {
    progress(`cannot pull ${image} (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): making a base image locally`);
    return false;
  }
}

/** A Debian bookworm base: the upstream one if present or pullable, else one made with debootstrap. */
export async function ensureBaseImage(docker: Docker, progress: Progress, options: { readonly mirror?: string } = {}): Promise<string> {
  if (await imageExists(docker, UPSTREAM_BASE)) return UPSTREAM_BASE;
  if (await imageExists(docker, LOCAL_BASE)) return LOCAL_BASE;
  if (await tryPull(docker, UPSTREAM_BASE, progress)) return UPSTREAM_BASE;
  await debootstrapBase(docker, progress, options.mirror ?? process.env.DEBIAN_MIRROR ?? DEFAULT_MIRROR);
  return LOCAL_BASE;
}

function run(cmd: string, args: readonly string[], progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (c: Buffer): void => {
      const text = c.toString('utf8');
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) progress(line.trimEnd());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${tail.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

async function debootstrapBase(docker: Docker, progress: Progress, mirror: string): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status !== 0) {
    throw new ImageBuildError('debootstrap-missing', `no image registry is reachable to pull ${UPSTREAM_BASE}, and debootstrap is not installed to make a base image: run \`apt-get install debootstrap\` (as root), or load ${UPSTREAM_BASE} into the engine (\`docker load\`)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-base-'));
  try {
    progress(`debootstrap --variant=minbase bookworm ${dir} ${mirror}`);
    await run('debootstrap', ['--variant=minbase', 'bookworm', dir, mirror], progress);
    progress(`docker import → ${LOCAL_BASE}`);
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, tag] = LOCAL_BASE.split(':') as [string, string];
    const stream = await docker.importImage(tar.stdout as unknown as string, { repo, tag });
    await followProgress(docker, stream, progress);
  } catch (cause) {
    if (cause instanceof ImageBuildError) throw cause;
    throw new ImageBuildError('base-image-failed', `making the base image ${LOCAL_BASE} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BuildResult {
  readonly image: string;
  readonly built: boolean;
  readonly baseImage?: string;
  readonly seconds: number;
}

/** Build the node image unless one for the current inputs exists (or `force`). */
export async function buildNodeImage(docker: Docker, options: { readonly progress?: Progress; readonly force?: boolean; readonly root?: string } = {}): Promise<BuildResult> {
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const root = options.root ?? projectRoot();
  const image = nodeImageTag(root);
  if (!options.force && (await imageExists(docker, image))) return { image, built: false, seconds: (performance.now() - started) / 1000 };
  const baseImage = await ensureBaseImage(docker, progress);
  const context = mkdtempSync(join(tmpdir(), 'vrrp-lab-image-'));
  try {
    for (const [name, path] of imageInputs(root)) {
      mkdirSync(dirname(join(context, name)), { recursive: true });
      cpSync(path, join(context, name));
    }
    mkdirSync(join(context, 'daemon'), { recursive: true });
    writeFileSync(join(context, 'daemon', 'package.json'), '{"name":"vrrp-lab-node-daemon","private":true,"type":"module"}\n');
    const stream = await docker.buildImage({ context, src: ['.'] }, { t: image, dockerfile: 'Dockerfile.node', buildargs: { BASE_IMAGE: baseImage }, labels: { 'vrrp-lab.image': 'node' }, rm: true, forcerm: true });
    await followProgress(docker, stream, progress);
  } catch (cause) {
    if (cause instanceof ImageBuildError) throw cause;
    throw new ImageBuildError('image-build-failed', `building ${image} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  if (!(await imageExists(docker, image))) throw new ImageBuildError('image-build-failed', `the build of ${image} ended without an image (see the build output above)`);
  await docker.getImage(image).tag({ repo: NODE_IMAGE_REPO, tag: 'latest' });
  return { image, built: true, baseImage, seconds: (performance.now() - started) / 1000 };
}
