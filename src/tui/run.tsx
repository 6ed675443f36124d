/**
 * Mounts the app with ink on a real terminal, full-screen: loaded by index.ts
 * only after the colour decision is in the environment (ink's chalk reads it
 * when first imported).
 *
 * Theory of operation: enter the alternate screen, render at ≤ 30 fps, and on
 * every way out — `q`, Ctrl-C (ink exits), SIGTERM/SIGHUP, an uncaught error —
 * unmount ink, close the session and leave the alternate screen, so the shell
 * is as it was.
 */
import { render } from 'ink';
import type { LabHost, LabSession } from '../lesson/contract.js';
import { App } from './App.js';
import { enterFullScreen } from './terminal.js';

export interface MountOptions {
  readonly host: LabHost;
  readonly lesson?: string;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** Keep stray console output out of the frame (off in tests: vitest's console cannot be patched). */
  readonly patchConsole?: boolean;
}

const SIGNALS = { SIGTERM: 143, SIGHUP: 129 } as const;

export async function mount(options: MountOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  let session: LabSession | undefined;
  const leave = enterFullScreen(stdout);
  const instance = render(<App host={options.host} lesson={options.lesson} onSession={(s) => { session = s; }} />, {
    stdout, stdin, exitOnCtrlC: true, maxFps: 30, patchConsole: options.patchConsole ?? true,
  });
  const closeSession = () => session?.close().catch(() => undefined);
  const onSignal = (signal: keyof typeof SIGNALS) => {
    instance.unmount();
    leave();
    void Promise.resolve(closeSession()).finally(() => process.exit(SIGNALS[signal]));
  };
  const onCrash = (e: unknown) => {
    instance.unmount();
    leave();
    process.stderr.write(`vrrp-lab lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    void Promise.resolve(closeSession()).finally(() => process.exit(70));
  };
  const handlers = Object.keys(SIGNALS).map((s) => [s, () => onSignal(s as keyof typeof SIGNALS)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await instance.waitUntilExit();
  } finally {
    leave();
    for (const [s, h] of handlers) process.off(s, h);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await closeSession();
  }
}
