/**
 * The Docker engine, reached through dockerode: connecting (with a typed error
 * when nothing answers) and running commands in containers.
 *
 * Rules: every command a node runs goes through `execIn`, which waits for the
 * command to end and returns its exit status and output — a failing command is
 * data here; callers decide whether it is an error.
 */
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { DockerUnavailableError } from './errors.js';

export type { Docker };

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A client for DOCKER_HOST (or the default socket) that has answered a ping. */
export async function connectDocker(options: Docker.DockerOptions = {}): Promise<Docker> {
  const docker = new Docker(options);
  try {
    await docker.ping();
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new DockerUnavailableError(detail, { cause });
  }
  return docker;
}

/** Whether an engine answers, with the reason when not (for tests that skip). */
export async function dockerAvailability(): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  try {
    await connectDocker();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
};

/** Run `cmd` in a container and wait for it to end. */
export async function execIn(docker: Docker, container: Docker.Container, cmd: readonly string[]): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout = collect(out);
  const stderr = collect(err);
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  // The hijacked connection is half-open after the output ends: close our side
  // too, or the socket keeps the process alive until the engine times it out.
  destroy(stream);
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: stdout(), stderr: stderr() };
}

/** Start `cmd` in a container and leave it running (its output is discarded). */
export async function execDetached(container: Docker.Container, cmd: readonly string[]): Promise<void> {
  const exec = await container.exec({ Cmd: [...cmd], AttachStdout: false, AttachStderr: false });
  // The engine answers at once, but the response stays open: close it.
  const stream = (await exec.start({ Detach: true })) as NodeJS.ReadableStream | undefined;
  if (stream) destroy(stream);
}

/** Call `onLine` for each whole line an attached exec prints on stdout (stderr is dropped). */
export function stdoutLines(docker: Docker, stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  const out = new PassThrough();
  docker.modem.demuxStream(stream, out, new PassThrough().resume());
  let rest = '';
  out.on('data', (c: Buffer) => {
    const lines = (rest + c.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l);
  });
}

/** Start `cmd` and call `onLine` for each line it prints on stdout until it ends or `stop()` is called. */
export async function execLines(docker: Docker, container: Docker.Container, cmd: readonly string[], onLine: (line: string) => void): Promise<{ stop(): void; ended: Promise<void> }> {
  const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  stdoutLines(docker, stream, onLine);
  const ended = new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  void ended.then(() => destroy(stream));
  return { stop: () => destroy(stream), ended };
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as unknown as { destroy?: () => void }).destroy?.();
}

/** True when dockerode reports "no such object". */
export const isNotFound = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { statusCode?: number }).statusCode === 404;
