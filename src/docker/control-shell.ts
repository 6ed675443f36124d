/**
 * A command channel into a lab node (docker/control.sh): one exec with its
 * stdin kept open, so a fault or a start runs a pipe write after the lab asks
 * for it instead of an exec round trip through the engine's API (tens of ms,
 * more under load) — the difference shows in every time the lab measures.
 *
 * `run` waits for the command and returns its exit status and output, in
 * order with everything sent before it; `background` only hands it over.
 */
import type Docker from 'dockerode';
import { stdoutLines, type ExecResult } from './docker-client.js';

interface Pending {
  resolve(r: ExecResult): void;
  reject(e: Error): void;
}

export class ControlShell {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed: Error | undefined;

  private constructor(private readonly stream: NodeJS.ReadWriteStream) {}

  static async open(docker: Docker, container: Docker.Container, node: string): Promise<ControlShell> {
    const exec = await container.exec({ Cmd: ['/lab/bin/control.sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as NodeJS.ReadWriteStream;
    const shell = new ControlShell(stream);
    stdoutLines(docker, stream, (line) => shell.answer(line));
    const end = (why: string) => () => shell.fail(new Error(`node ${node}: the lab's command channel ${why}`));
    stream.on('end', end('ended'));
    stream.on('close', end('closed'));
    stream.on('error', (e: Error) => shell.fail(e));
    return shell;
  }

  /** Run `script` and wait for it: its exit status, stdout and stderr. */
  run(script: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(this.closed);
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.send(id, 'fg', script);
    });
  }

  /** Start `script` in the background (its output is discarded). */
  background(script: string): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    this.send(this.nextId++, 'bg', script);
    return Promise.resolve();
  }

  close(): void {
    this.fail(new Error('the command channel was closed'));
    (this.stream as unknown as { destroy?: () => void }).destroy?.();
  }

  private send(id: number, mode: 'fg' | 'bg', script: string): void {
    this.stream.write(`${id} ${mode} ${Buffer.from(script, 'utf8').toString('base64')}\n`);
  }

  private answer(line: string): void {
    const [id, rc, out = '', err = ''] = line.trim().split(' ');
    const p = this.pending.get(Number(id));
    if (p === undefined) return;
    this.pending.delete(Number(id));
    p.resolve({ exitCode: Number(rc), stdout: Buffer.from(out, 'base64').toString('utf8'), stderr: Buffer.from(err, 'base64').toString('utf8') });
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
