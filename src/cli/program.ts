/**
 * Builds the commander program from the command registry.
 *
 * Commander is told never to exit the process (`exitOverride`) and to write
 * through our `CliIo`, so `main()` stays a pure function of argv and io.
 *
 * Only the command the command line names is loaded (`vrrp-lab validate …`, or
 * `vrrp-lab help validate`); every other command is a placeholder carrying what
 * the top-level help and commander's "unknown command (did you mean …?)" need:
 * its name, arguments and summary. So a command's start-up cost is its own.
 */
import { Command } from 'commander';
import { commandName, type CliCommand, type CommandExample } from './command.js';
import { commands, entryName, type CommandEntry } from './commands/index.js';
import { commandContext, JSON_OPTION } from './direct.js';
import { wantsColour, type CliIo } from './io.js';
import { makeStyle } from './style.js';
import { packageVersion } from './version.js';

const ABOUT = `vrrp-lab is a lab for high-availability clusters: keepalived's VRRP gateways,
virtual IPs and LVS/IPVS load balancers, and corosync/Pacemaker/RHCS clusters
that fence.

It checks keepalived.conf files (one per node; also corosync.conf, cluster.conf
and cib.xml) for the mistakes the software itself accepts, explains who becomes
master under which failures, and simulates clusters (or runs keepalived ones on
Docker) to show what really happens on failover.`;

const EPILOGUE = `

Every command accepts --json (one JSON document on stdout, for machines).
Colour is used only at a terminal and never when NO_COLOR is set.

Exit status: 0 ok, 1 problems found, 2 usage error or unreadable input,
70 internal error (a bug in vrrp-lab: please report it).`;

export async function buildProgram(io: CliIo, setExitCode: (code: number) => void, argv: readonly string[]): Promise<Command> {
  const style = makeStyle(wantsColour(io, 'stderr'));
  const program = new Command('vrrp-lab')
    .description(ABOUT)
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help (also: vrrp-lab <command> --help)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(style.bad(s.replace(/^error: /, 'vrrp-lab: error: '))),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    })
    .showHelpAfterError("(run 'vrrp-lab --help' for usage)")
    .addHelpText('after', `\nExamples:\n${commands.map((c) => exampleText(c.example)).join('\n')}${EPILOGUE}`);
  // No action on the program itself: a bare `vrrp-lab` shows the help on stderr
  // (exit 2) and an unknown word is "unknown command".
  const wanted = commandWanted(argv);
  for (const entry of commands) {
    if (entryName(entry) === wanted) subCommand(program, await entry.load(), io, setExitCode);
    else placeholder(program, entry);
  }
  return program;
}

/**
 * The command word of a command line: the first word that is not an option (the
 * program's own options, -h and -V, take no value), or the one after `help`.
 */
export function commandWanted(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** A command that is not run: listed by `--help` as the loaded command would be. */
function placeholder(program: Command, entry: CommandEntry): void {
  const cmd = program.command(entryName(entry)).summary(entry.summary);
  if (entry.group) return;
  cmd.option(JSON_OPTION.flags, JSON_OPTION.description);
  for (const arg of entry.usage.split(/\s+/).slice(1)) cmd.argument(arg);
}

function subCommand(program: Command, command: CliCommand, io: CliIo, setExitCode: (code: number) => void, prefix = ''): Command {
  const name = commandName(command);
  const full = `${prefix}${name}`;
  if (command.subcommands) {
    // A group: `vrrp-lab cluster` alone shows its help; each sub-command is a command of its own.
    const group = program.command(name).summary(command.summary).description(command.description)
      .showHelpAfterError(`(run 'vrrp-lab ${full} --help' for usage)`)
      .addHelpText('after', `\nExamples:\n${examplesOf(command)}`);
    oneErrorStyle(group, full, io);
    for (const sub of command.subcommands) subCommand(group, sub, io, setExitCode, `${full} `);
    return group;
  }
  // program.command() copies exitOverride, the output routing and help settings.
  const cmd = program
    .command(name)
    .summary(command.summary)
    .description(command.description)
    .option(JSON_OPTION.flags, JSON_OPTION.description)
    .showHelpAfterError(`(run 'vrrp-lab ${full} --help' for usage)`)
    .addHelpText('after', `\nExamples:\n${examplesOf(command)}`);
  for (const arg of command.usage.split(/\s+/).slice(1)) cmd.argument(arg);
  command.define(cmd);
  oneErrorStyle(cmd, full, io);
  cmd.action(async (...params: unknown[]) => {
    const { json, ...options } = cmd.opts<Record<string, unknown>>();
    // commander passes (args..., options, command); keep only the positional ones.
    setExitCode(await command.run({ args: params.slice(0, cmd.registeredArguments.length), options }, commandContext(io, json === true)));
  });
  return cmd;
}

/**
 * Commander's own errors ("error: option '--seed <n>' argument … is invalid")
 * in the style of every other usage error: `vrrp-lab simulate: error: …`.
 */
function oneErrorStyle(cmd: Command, full: string, io: CliIo): void {
  const style = makeStyle(wantsColour(io, 'stderr'));
  cmd.configureOutput({ ...cmd.configureOutput(), outputError: (s, write) => write(style.bad(s.replace(/^error: /, `vrrp-lab ${full}: error: `))) });
}

function examplesOf(command: CliCommand): string {
  return command.examples.map(exampleText).join('\n');
}

function exampleText(e: CommandExample): string {
  return `  $ vrrp-lab ${e.args}\n      ${e.explain}`;
}
