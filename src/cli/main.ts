/**
 * `vrrp-lab` entry point: `main(argv)` runs one command and resolves to its exit
 * status. `bin/vrrp-lab.js` calls it with `process.argv.slice(2)`; tests call it
 * in-process with `captureIo()`.
 *
 * A plain command line runs without loading commander (direct.ts); any other,
 * help included, goes through commander (program.ts), loaded only then.
 *
 * Rules: nothing escapes as an exception. Usage errors print a message and a
 * hint (exit 2); unexpected exceptions print "internal error (this is a bug)"
 * (exit 70) and a stack only when VRRP_LAB_DEBUG is set.
 */
import { isVrrpLabError, UsageError } from '../core/errors.js';
import { runDirect } from './direct.js';
import { EXIT_INTERNAL, EXIT_USAGE } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const state = { exitCode: 0, json: argv.includes('--json') };
  try {
    const direct = await runDirect(argv, io);
    if (direct !== undefined) return direct;
    const { buildProgram } = await import('./program.js');
    const program = await buildProgram(io, (code) => (state.exitCode = code), argv);
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (e) {
    return reportFailure(e, io, state.json, argv.find((a) => !a.startsWith('-')));
  }
}

function reportFailure(e: unknown, io: CliIo, json: boolean, command: string | undefined): number {
  if (isCommanderError(e)) {
    // commander has already printed its message (or the help/version text).
    // Help and version asked for (--help, help CMD, --version) exit 0; help shown for misuse exits 2.
    if (e.exitCode === 0) return 0;
    if (json) io.stdout.write(`${JSON.stringify({ error: { code: 'usage', message: stripPrefix(e.message) } })}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    const named = command !== undefined && /^[a-z]+$/.test(command);
    const help = named ? `vrrp-lab ${command} --help` : 'vrrp-lab --help';
    io.stderr.write(`vrrp-lab${named ? ` ${command}` : ''}: error: ${e.message}\n(run '${help}' for usage)\n`);
    if (json) io.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
    return EXIT_USAGE;
  }
  const message = e instanceof Error ? e.message : String(e);
  const code = isVrrpLabError(e) ? ` [${e.code}]` : '';
  io.stderr.write(`vrrp-lab: internal error (this is a bug)${code}: ${message}\n`);
  if (io.env['VRRP_LAB_DEBUG'] && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  else io.stderr.write('(set VRRP_LAB_DEBUG=1 to print the stack trace, and please report it)\n');
  if (json) io.stdout.write(`${JSON.stringify({ error: { code: 'internal', message } })}\n`);
  return EXIT_INTERNAL;
}

/** Commander's own errors (CommanderError and its kin) carry a `commander.*` code and an exit code. */
function isCommanderError(e: unknown): e is Error & { exitCode: number } {
  const { code, exitCode } = (e ?? {}) as { code?: unknown; exitCode?: unknown };
  return e instanceof Error && typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number';
}

function stripPrefix(message: string): string {
  return message.replace(/^error: /, '');
}
