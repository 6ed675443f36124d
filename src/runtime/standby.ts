/**
 * Starting a lab process the moment the lab asks, not after Node.js has loaded
 * it: a process launched with `--standby` loads, writes its pid to
 * /run/lab-NAME-standby.ready and waits for SIGUSR2, then runs as a process
 * started cold would. Node.js takes about 0.3 s to load a program in a lab
 * container where keepalived starts in a few ms; the lab keeps one loaded
 * process waiting (src/docker/standby.ts), so a run measures the protocol, not
 * the runtime's start-up.
 *
 * Plain ESM for the image's Node 18.
 */
import { rmSync, writeFileSync } from 'node:fs';

export const standbyReadyFile = (name: string): string => `/run/lab-${name}-standby.ready`;

/**
 * Run `main(args)` now, or — when `argv` starts with --standby — once SIGUSR2
 * comes. `usage` is printed (exit 2) when `args` is empty.
 */
export function runNowOrOnSignal(name: string, argv: readonly string[], usage: string, main: (args: readonly string[]) => void): void {
  const standby = argv[0] === '--standby';
  const args = argv.slice(standby ? 1 : 0);
  if (args.length === 0) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  if (!standby) return main(args);
  // Keep the event loop alive until the start signal.
  const idle = setInterval(() => undefined, 1 << 30);
  process.once('SIGUSR2', () => {
    clearInterval(idle);
    rmSync(standbyReadyFile(name), { force: true });
    main(args);
  });
  writeFileSync(standbyReadyFile(name), `${process.pid}\n`);
}
