import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliCommand } from './command.js';
import { commands, entryName } from './commands/index.js';
import { JSON_OPTION, readCommandLine } from './direct.js';

/** What commander hands `run` for this command line, or 'refused' when it reports an error. */
function viaCommander(command: CliCommand, argv: readonly string[]): { args: unknown[]; options: Record<string, unknown> } | 'refused' {
  const cmd = new Command(entryName({ usage: command.usage } as never)).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.option(JSON_OPTION.flags, JSON_OPTION.description);
  for (const arg of command.usage.split(/\s+/).slice(1)) cmd.argument(arg);
  command.define(cmd);
  let seen: { args: unknown[]; options: Record<string, unknown> } | undefined;
  cmd.action((...params: unknown[]) => {
    seen = { args: params.slice(0, cmd.registeredArguments.length), options: { ...cmd.opts() } };
  });
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch {
    return 'refused';
  }
  return seen ?? 'refused';
}

const load = (name: string) => commands.find((c) => entryName(c) === name)!.load();

const LINES: Record<string, string[][]> = {
  validate: [
    ['a.conf'], ['a.conf', 'b.conf', '--json'], ['-q', '--no-table', 'a.conf'], ['--separate', '--', '-odd.conf'],
    ['--node', 'gw1=a.conf', '--node=gw2=a.conf'], ['--host-interfaces', 'eth0,eth1', 'a.conf'], ['--host-interfaces=eth0', '-'],
    ['--config-id', 'x', '--previous', 'c.conf', 'a.conf'], [],
    // commander refuses these; the direct path must leave them to it
    ['--bogus', 'a.conf'], ['--host-interfaces', ',', 'a.conf'], ['--node', 'a=x', '--node', 'a=y'], ['--config-id'], ['-qx', 'a.conf'], ['--separate=yes', 'a.conf'],
  ],
  ipvs: [
    ['pick', '--server', 'a:1', '--server', 'b:2', '-n', '4'], ['explain', '-s', 'sh', '--server', 'a:1', '--client', '192.0.2.1'], ['pick', '--count', '3', '--close', '--server', 'a:1'],
    ['pick', 'extra', '--server', 'a:1'], [], ['pick', '--count', '-1'], ['pick', '--server', 'a'],
  ],
  simulate: [
    ['--node', 'a=x.conf', '--event', '6 kill a', '--event', '8 start a', '--until', '20'], ['x.scenario', '--seed', '7', '--json'], [],
    ['--until'], ['--seed', 'x'], ['a', 'b'],
  ],
};

describe('reading a command line without commander', () => {
  for (const [name, lines] of Object.entries(LINES)) {
    it.each(lines.map((l) => [l.join(' ') || '(nothing)', l] as const))(`${name} %s: as commander reads it, or left to commander`, async (_label, argv) => {
      const command = await load(name);
      const direct = readCommandLine(command, argv);
      const expected = viaCommander(command, argv);
      if (direct === undefined) expect(expected === 'refused' || argv.length === 0 || argv.includes('--')).toBe(true);
      else expect(direct).toEqual(expected);
    });
  }

  it('reads the plain lines itself (so they need no commander)', async () => {
    const validate = await load('validate');
    expect(readCommandLine(validate, ['a.conf', '--node', 'gw=b.conf'])).toEqual({ args: [['a.conf']], options: { table: true, node: [{ node: 'gw', path: 'b.conf' }] } });
    expect(readCommandLine(validate, ['--bogus'])).toBeUndefined();
  });

  it('leaves a command whose define uses more than .option() to commander', () => {
    const fancy = { usage: 'x', summary: '', description: '', examples: [], define: (c: Command) => void c.addHelpText('after', ''), run: async () => 0 } as CliCommand;
    expect(readCommandLine(fancy, [])).toBeUndefined();
  });
});
