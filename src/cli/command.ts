/**
 * The contract every `vrrp-lab` sub-command fulfils.
 *
 * Theory of operation: `program.ts` creates one commander sub-command per entry
 * in `commands/index.ts`, adds the options every command shares (`--json`), lets
 * the command declare its own arguments and options in `define`, and calls `run`
 * with the parsed values. `run` returns the exit status; it never calls
 * `process.exit` and never prints a stack trace. Misuse is a thrown `UsageError`
 * (exit 2); anything else that escapes is reported as a bug (exit 70).
 *
 * Adding a command: write `commands/<name>.ts` exporting a `CliCommand`, and add
 * an entry for it to `commands/index.ts` (its usage, summary and first example,
 * and how to load it: commands are loaded only when they run). A group lists its sub-commands in
 * `subcommands` (see `commands/cluster.ts`).
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';
import type { Style } from './style.js';

export interface CommandExample {
  /** The command line, without the leading `vrrp-lab`. */
  readonly args: string;
  readonly explain: string;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Colour for stdout (off for pipes, NO_COLOR, and always off with --json). */
  readonly style: Style;
  /** `--json` was given: print one JSON document on stdout and nothing else there. */
  readonly json: boolean;
}

export interface CommandInput {
  /** Positional arguments, as commander parsed them (variadic ones are arrays). */
  readonly args: readonly unknown[];
  /** Options by their camelCase names, without the shared ones. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface CliCommand {
  /** The word after `vrrp-lab`, plus argument placeholders, e.g. `validate <paths...>`. */
  readonly usage: string;
  /** One line for the command list. */
  readonly summary: string;
  /** A paragraph shown by `vrrp-lab <name> --help`. */
  readonly description: string;
  /** At least one; the first appears in `vrrp-lab --help`. */
  readonly examples: readonly CommandExample[];
  /** Declare options and their parsers on `cmd` (arguments come from `usage`). */
  define(cmd: Command): void;
  run(input: CommandInput, ctx: CommandContext): Promise<number>;
  /**
   * A command group (`vrrp-lab cluster simulate|plan`): the sub-commands, each a
   * full `CliCommand`. The group's own `define` and `run` are then not used.
   */
  readonly subcommands?: readonly CliCommand[];
}

/** The bare name of a command from its usage string. */
export function commandName(c: CliCommand): string {
  return c.usage.split(/\s+/)[0] ?? c.usage;
}
