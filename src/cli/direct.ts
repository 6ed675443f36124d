/**
 * Running a command without commander, when its command line is plain.
 *
 * Theory of operation: loading commander costs a start-up about as long as
 * checking a config file, and most command lines need none of it: `vrrp-lab
 * validate lb1.conf lb2.conf`. `runDirect` records the options the command
 * declares (its `define`, called with a recorder that understands `.option()`
 * only), reads the command line by commander's rules for that subset —
 * `--long VALUE`, `--long=VALUE`, `-s VALUE`, flags, `--no-x`, defaults, a
 * parser called with each value and the previous one, `--` — and runs the
 * command with what commander would have passed it.
 *
 * Rules: anything it does not recognise — help, an unknown or clustered option,
 * a missing or dash-led value, an optional option value, a value its parser
 * refuses, too few or too many arguments, a `define` that does more than
 * `.option()` — makes it answer `undefined`, and `main()` hands the whole command
 * line to commander, which then prints its own help or error. So this path
 * never reports anything itself; `direct.test.ts` checks that it reads command
 * lines as commander does.
 */
import type { Command } from 'commander';
import type { CliCommand, CommandContext, CommandInput } from './command.js';
import { commands, entryName } from './commands/index.js';
import { wantsColour, type CliIo } from './io.js';
import { makeStyle, plainStyle } from './style.js';

interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  /** The key in `options` (camelCase, without `no-`). */
  readonly key: string;
  readonly takesValue: boolean;
  readonly negate: boolean;
  readonly parse?: (value: string, previous: unknown) => unknown;
  readonly defaultValue?: unknown;
}

/** Every command's shared option, as program.ts declares it. */
export const JSON_OPTION = { flags: '--json', description: 'print one JSON document on stdout, for machines' } as const;

const FLAGS = /^(?:-([A-Za-z]), )?--([a-z][a-z0-9-]*)(?: <[^>]+>)?$/;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

class Unsupported extends Error {}

function specOf(flags: string, parseOrDefault?: unknown, defaultValue?: unknown): OptionSpec {
  const m = FLAGS.exec(flags);
  if (!m || flags.includes('...')) throw new Unsupported(flags);
  const [, short, long = ''] = m;
  const negate = long.startsWith('no-');
  const parse = typeof parseOrDefault === 'function' ? (parseOrDefault as OptionSpec['parse']) : undefined;
  const initial = parse ? defaultValue : parseOrDefault;
  return {
    long,
    ...(short !== undefined ? { short } : {}),
    key: camel(negate ? long.slice(3) : long),
    takesValue: flags.includes('<'),
    negate,
    ...(parse ? { parse } : {}),
    ...(negate ? { defaultValue: true } : initial !== undefined ? { defaultValue: initial } : {}),
  };
}

/** The options `define` declares, or undefined when it uses more of commander than `.option()`. */
function recordOptions(command: CliCommand): OptionSpec[] | undefined {
  const specs = [specOf(JSON_OPTION.flags)];
  const recorder = {
    option(flags: string, _description: string, parseOrDefault?: unknown, defaultValue?: unknown) {
      specs.push(specOf(flags, parseOrDefault, defaultValue));
      return recorder;
    },
  };
  try {
    command.define(recorder as unknown as Command);
  } catch {
    return undefined;
  }
  return specs;
}

function findSpec(specs: readonly OptionSpec[], word: string): OptionSpec | undefined {
  if (/^-[A-Za-z]$/.test(word)) return specs.find((s) => s.short === word.slice(1));
  return word.startsWith('--') ? specs.find((s) => s.long === word.slice(2)) : undefined;
}

/** Options and positional words of a command line, by commander's rules for the subset above. */
function readWords(specs: readonly OptionSpec[], argv: readonly string[]): { options: Record<string, unknown>; words: string[] } {
  const options: Record<string, unknown> = {};
  for (const s of specs) if (s.defaultValue !== undefined) options[s.key] = s.defaultValue;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const spec = findSpec(specs, eq > 0 ? arg.slice(0, eq) : arg);
    if (spec === undefined) throw new Unsupported(arg);
    if (!spec.takesValue) {
      if (eq > 0) throw new Unsupported(arg);
      options[spec.key] = !spec.negate;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('-') && value !== '-')) throw new Unsupported(arg);
    options[spec.key] = spec.parse ? spec.parse(value, options[spec.key]) : value;
  }
  return { options, words };
}

/** The positional arguments as commander passes them, from the usage's placeholders. */
function argsOf(usage: string, words: readonly string[]): unknown[] {
  const declared = usage.split(/\s+/).slice(1);
  const last = declared[declared.length - 1];
  if (!last?.endsWith('...>') && !last?.endsWith('...]') && words.length > declared.length) throw new Unsupported('too many arguments');
  return declared.map((d, i) => {
    if (d.endsWith('...>') || d.endsWith('...]')) {
      if (d.startsWith('<') && words.length <= i) throw new Unsupported(d);
      return words.slice(i);
    }
    if (d.startsWith('<') && words[i] === undefined) throw new Unsupported(d);
    return words[i];
  });
}

/** What commander would pass `run` for this command line, or undefined (let commander read it). */
export function readCommandLine(command: CliCommand, argv: readonly string[]): CommandInput | undefined {
  const specs = recordOptions(command);
  if (specs === undefined) return undefined;
  try {
    const { options, words } = readWords(specs, argv);
    return { args: argsOf(command.usage, words), options };
  } catch {
    // Unsupported, or a value the option's parser refuses: commander says why.
    return undefined;
  }
}

/** The context a command runs in (program.ts uses it too). */
export function commandContext(io: CliIo, json: boolean): CommandContext {
  return { io, json, style: json ? plainStyle : makeStyle(wantsColour(io)) };
}

/** Runs `vrrp-lab WORD …` without commander when the line is plain; undefined otherwise. */
export async function runDirect(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const [word, ...rest] = argv;
  const entry = commands.find((c) => !c.group && entryName(c) === word);
  if (entry === undefined || rest.includes('-h') || rest.includes('--help')) return undefined;
  const command = await entry.load();
  const input = readCommandLine(command, rest);
  if (input === undefined) return undefined;
  const { json, ...options } = input.options;
  return command.run({ args: input.args, options }, commandContext(io, json === true));
}
