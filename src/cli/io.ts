/**
 * The command's window on the world: where it writes, what environment it sees.
 *
 * `main()` takes a `CliIo` so tests run the real command in-process and read back
 * exactly what a user would see (`captureIo()`), without spawning a process and
 * without touching the test runner's own stdout.
 */
export interface CliOutput {
  write(text: string): void;
  /** True when the stream is an interactive terminal (colour is then allowed). */
  readonly isTTY: boolean;
}

export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    env: process.env,
    cwd: process.cwd(),
  };
}

export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** An in-memory io for tests and benchmarks: nothing is a TTY, so no colour. */
export function captureIo(options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const tty = options.tty ?? false;
  return {
    stdout: { write: (t) => void out.push(t), isTTY: tty },
    stderr: { write: (t) => void err.push(t), isTTY: tty },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
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
