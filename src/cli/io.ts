/**
 * The command's window on the world: where it writes, what environment it sees.
 *
 * `main()` takes a `CliIo` so tests run the real command in-process and read back
 * exactly what a user would see (`captureIo()`), without spawning a process and
 * without touching the test runner's own stdout.
 */
import { UsageError } from '../core/errors.js';

export interface CliOutput {
  write(text: string): void;
  /** True when the stream is an interactive terminal (colour is then allowed). */
  readonly isTTY: boolean;
}

export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Everything on standard input (a file named `-`), as UTF-8 text; rejects with a
   * UsageError past `maxBytes` (the rest is not read). Absent: no standard input.
   */
  readonly readStdin?: (maxBytes: number) => Promise<string>;
}

/**
 * The real process streams. A reader that goes away (`vrrp-lab … | head`) makes
 * writes fail with EPIPE: from then on output to that stream is dropped, so the
 * command still finishes and returns its own exit status, with no stack trace.
 */
export function processIo(): CliIo {
  return {
    stdout: guardedOutput(process.stdout),
    stderr: guardedOutput(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    readStdin: (maxBytes) => readBounded(process.stdin, maxBytes),
  };
}

/** Reads a stream to its end, giving up (and not reading on) past `maxBytes`. */
export async function readBounded(stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > maxBytes) throw new UsageError(`standard input is over ${maxBytes} bytes; larger input is not read`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function guardedOutput(stream: NodeJS.WriteStream): CliOutput {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return {
    write: (t) => {
      if (!closed) stream.write(t);
    },
    isTTY: stream.isTTY === true,
  };
}

export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** An in-memory io for tests and benchmarks: not a TTY (so no colour) unless `tty` is set. */
export function captureIo(options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean; stdin?: string } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const tty = options.tty ?? false;
  return {
    stdout: { write: (t) => void out.push(t), isTTY: tty },
    stderr: { write: (t) => void err.push(t), isTTY: tty },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    readStdin: (maxBytes) => readBounded([options.stdin ?? ''], maxBytes),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** Colour only for a human at a terminal who has not asked for none (https://no-color.org). */
export function wantsColour(io: CliIo, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return io[stream].isTTY;
}
