/**
 * `vrrp-lab lab [LESSON]`: the terminal lab — lessons from labs/ run live on
 * the simulator (or Docker), in a full-screen app; `--check` grades them
 * without a terminal.
 *
 * Theory of operation: this module only reads arguments and picks a path. The
 * lessons, sessions, progress and grading are src/lesson's; the app is
 * src/tui's and is imported only when it really starts — at a terminal, not in
 * CI, and neither `--check` nor `--list` given — so ink and React never load
 * otherwise. Without a terminal the lesson list is printed with how to grade.
 *
 * Rules:
 * - Exit 0 ok, 1 a task failed its check, 2 usage or lesson-file errors (each
 *   located, file:line:col).
 * - The lessons come from the package's own labs/ folder (found next to the
 *   installed package, not the current folder) unless --labs names another.
 * - `--reset` asks at a terminal and needs `--yes` elsewhere.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError, ScenarioError, UsageError } from '../../core/errors.js';
import type { LessonGrade } from '../../lesson/contract.js';
import type { Host } from '../../lesson/session.js';
import type { CliCommand, CommandContext } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { wantsColour } from '../io.js';
import { writeJunit } from '../junit-report.js';
import { outputFlagsProblem } from '../output-path.js';
import type { JunitSuite } from '../render/junit.js';

function seedArg(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('the seed is a non-negative integer, e.g. --seed 7');
  return Number(value);
}

/** The labs/ folder of the installed package: next to package.json, above src/cli/commands or dist/src/cli/commands. */
export function packageLabs(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'labs');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'labs');
}

export const labCommand: CliCommand = {
  usage: 'lab [lesson]',
  summary: 'the terminal lab: lessons that break a cluster and watch it heal, checked live (--check grades them in CI)',
  description: `Learn clustering hands-on: each lesson (labs/NN-slug/lesson.md) sets up nodes on
the simulator — keepalived pairs, LVS directors, corosync clusters — explains a
little, and gives tasks ("make lb2 master without stopping lb1") that the lab
checks live while you act: kill, stop or start a node, fail a check script,
cut a link, partition the network, edit the configuration files (the lab
re-reads them on save). Hints come in steps; the solution after a confirmation.

LESSON is a lesson's folder name (01-election), its number (1) or a folder
path. Without one the app opens the lesson you were at (lesson 1 the first
time; the app's l key lists them all). Progress (where you were, the
tasks done and what completed them) and your copies of the lesson's files are
kept in .vrrp-lab/ under --home (default: VRRP_LAB_HOME, else the current
folder); --reset LESSON puts the lesson's files back and forgets its progress.

--check [LESSON] grades without a terminal: each done task is replayed from
what completed it (same files, seed and actions) and judged again; with
--solution the lesson's own solutions are run instead (what a teacher's CI
runs on a lesson set: --labs DIR). --json and --junit FILE report it.

The app needs a terminal; with stdout not a terminal, or CI set, the lesson
list is printed instead.

Exit status: 0 ok, 1 a task failed its check, 2 bad arguments or a mistake in a
lesson file (file:line:col).`,
  examples: [
    { args: 'lab 01-election', explain: 'open the first lesson in the terminal app' },
    { args: 'lab --list', explain: 'the lessons, with how many tasks of each you have done' },
    { args: 'lab --check --solution', explain: "run every lesson's solutions and check them (exit 1 if one fails)" },
    { args: 'lab --check 01-election --junit reports/lab.xml', explain: 'grade your own progress in a lesson, with a JUnit report' },
  ],
  define(cmd: Command) {
    cmd
      .option('--list', 'print the lessons with your progress')
      .option('--check', 'grade the lesson (or every lesson) without a terminal')
      .option('--solution', "with --check: run the lessons' solutions instead of your progress")
      .option('--junit <file>', 'with --check: write a JUnit XML report')
      .option('--reset <lesson>', "put the lesson's files back and forget its progress")
      .option('--yes', 'do not ask before --reset')
      .option('--backend <name>', 'sim (the simulator) or docker', 'sim')
      .option('--seed <n>', "run with this seed instead of the lesson's", seedArg)
      .option('--home <dir>', 'where .vrrp-lab/ keeps progress and your files (default: VRRP_LAB_HOME, else the current folder)')
      .option('--labs <dir>', "a folder of lesson folders (default: the package's labs/)")
      .option('--no-color', 'no colour in the app');
  },
  async run({ args, options }, ctx) {
    try {
      return await runLab(args[0] as string | undefined, options, ctx);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (e instanceof ScenarioError || e instanceof ConfigError) {
        ctx.io.stderr.write(`${e.message}\n`);
        if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};

interface LabOptions {
  readonly lesson: string | undefined;
  readonly labsDir: string;
  readonly home: string;
  readonly backend: 'sim' | 'docker';
  readonly seed?: number;
}

function readOptions(lesson: string | undefined, options: Readonly<Record<string, unknown>>, ctx: CommandContext): LabOptions {
  const backend = options['backend'];
  if (backend !== 'sim' && backend !== 'docker') throw new UsageError(`unknown backend '${String(backend)}': expected sim or docker`);
  const labsDir = typeof options['labs'] === 'string' ? resolve(ctx.io.cwd, options['labs']) : packageLabs();
  if (!existsSync(labsDir)) throw new UsageError(`no lessons folder '${typeof options['labs'] === 'string' ? options['labs'] : labsDir}'`);
  const home = resolve(ctx.io.cwd, typeof options['home'] === 'string' ? options['home'] : (ctx.io.env['VRRP_LAB_HOME'] ?? '.'));
  if ((options['solution'] === true || options['junit'] !== undefined) && options['check'] !== true) throw new UsageError('--solution and --junit go with --check');
  const modes = ['check', 'list', 'reset'].filter((m) => options[m] !== undefined && options[m] !== false);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} do not go together`);
  return { lesson, labsDir, home, backend, ...(options['seed'] === undefined ? {} : { seed: options['seed'] as number }) };
}

async function runLab(lesson: string | undefined, options: Readonly<Record<string, unknown>>, ctx: CommandContext): Promise<number> {
  const o = readOptions(lesson, options, ctx);
  const unwritable = outputFlagsProblem(options, { junit: '--junit' }, ctx.io.cwd);
  if (unwritable !== undefined) throw new UsageError(unwritable);
  const { createLabHost } = await import('../../lesson/session.js');
  const host = createLabHost({ labsDir: o.labsDir, home: o.home, backend: o.backend, ...(o.seed === undefined ? {} : { seed: o.seed }) });
  if (options['check'] === true) return check(host, o, options, ctx);
  if (typeof options['reset'] === 'string') return reset(host, options['reset'], options['yes'] === true, ctx);
  const lessonFile = o.lesson === undefined ? undefined : host.find(o.lesson);
  const terminal = ctx.io.stdout.isTTY && process.stdin.isTTY === true && !ctx.io.env['CI'];
  if (options['list'] === true || ctx.json || !terminal) return list(host, ctx, options['list'] === true || ctx.json);
  const colour = options['color'] !== false && wantsColour(ctx.io) && ctx.io.env['FORCE_COLOR'] !== '0';
  // React's development build records every render as a performance measure that
  // nothing clears: an app left open for minutes grows by about 1 MB a second
  // (measured: out of memory at a 150 MB heap in 8 minutes). React picks its
  // build when it is first loaded, which is the import below. Set, not defaulted:
  // NODE_ENV=development in a JavaScript developer's shell would bring the leak back.
  process.env['NODE_ENV'] = 'production';
  await (await import('../../tui/index.js')).runLabApp({ host, ...(lessonFile === undefined ? {} : { lesson: lessonFile.lesson.id }), colour });
  return EXIT_OK;
}

function list(host: Host, ctx: CommandContext, asked: boolean): number {
  const lessons = host.lessons();
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify({ lessons })}\n`);
    return EXIT_OK;
  }
  const width = Math.max(0, ...lessons.map((l) => l.id.length));
  for (const l of lessons) {
    const progress = l.unavailable !== undefined ? `(${l.unavailable})` : l.done === l.tasks && l.tasks > 0 ? ctx.style.good(`done ${l.done}/${l.tasks}`) : `${l.done}/${l.tasks} tasks done`;
    ctx.io.stdout.write(`${l.id.padEnd(width)}  ${l.title}  ${progress}\n`);
  }
  if (lessons.length === 0) ctx.io.stdout.write('no lessons found\n');
  if (!asked) ctx.io.stdout.write('\nThe lab app needs a terminal (stdout is not one, or CI is set).\nGrade a lesson here with: vrrp-lab lab --check LESSON   (your progress)\n                      or: vrrp-lab lab --check LESSON --solution   (its own solutions)\n');
  return EXIT_OK;
}

async function check(host: Host, o: LabOptions, options: Readonly<Record<string, unknown>>, ctx: CommandContext): Promise<number> {
  const { gradeLesson } = await import('../../lesson/grade.js');
  const { unavailable } = await import('../../lesson/session.js');
  const ids = o.lesson === undefined ? host.lessons().map((l) => l.id) : [host.find(o.lesson).lesson.id];
  if (ids.length === 0) throw new UsageError(`no lessons under ${o.labsDir}`);
  const grades: LessonGrade[] = [];
  const broken: { lesson: string; error: string }[] = [];
  const skipped: { lesson: string; why: string }[] = [];
  for (const id of ids) {
    try {
      const file = host.find(o.lesson ?? id);
      const why = unavailable(file.lesson, o.backend);
      if (why !== undefined && o.lesson !== undefined) throw new UsageError(`${id}: ${why}`);
      if (why !== undefined) {
        skipped.push({ lesson: id, why });
        if (!ctx.json) ctx.io.stdout.write(`${ctx.style.severity('warning', 'SKIP')} ${id}  (${why})\n`);
        continue;
      }
      const grade = await gradeLesson(file, { backend: o.backend, solution: options['solution'] === true, store: host.store, ...(o.seed === undefined ? {} : { seed: o.seed }) });
      grades.push(grade);
      if (!ctx.json) ctx.io.stdout.write(gradeText(grade, ctx));
    } catch (e) {
      if (!(e instanceof ScenarioError || e instanceof ConfigError)) throw e;
      broken.push({ lesson: id, error: e.message });
      ctx.io.stderr.write(`${e.message}\n`);
    }
  }
  if (typeof options['junit'] === 'string') writeJunit(options['junit'], ctx.io.cwd, grades.map(gradeToJunit));
  const passed = grades.every((g) => g.passed) && broken.length === 0;
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ passed, lessons: grades, skipped, errors: broken })}\n`);
  else {
    const tasks = grades.flatMap((g) => g.tasks);
    const extra = [...(skipped.length > 0 ? [`${skipped.length} skipped`] : []), ...(broken.length > 0 ? [`${broken.length} with errors`] : [])];
    const line = `${tasks.filter((t) => t.passed).length} of ${tasks.length} tasks passed in ${grades.length} lesson${grades.length === 1 ? '' : 's'}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
    ctx.io.stdout.write(`\n${passed ? ctx.style.good(line) : ctx.style.bad(line)}\n`);
  }
  return broken.length > 0 ? EXIT_USAGE : passed ? EXIT_OK : EXIT_FINDINGS;
}

function gradeText(g: LessonGrade, { style }: CommandContext): string {
  const lines = [`${g.passed ? style.good('PASS') : style.bad('FAIL')} ${g.lesson}  (seed ${g.seed})`];
  for (const t of g.tasks) {
    lines.push(`  ${t.passed ? 'ok  ' : 'FAIL'} task ${t.number}: ${t.title}`);
    if (t.passed) continue;
    for (const goal of t.goals.filter((x) => !x.met)) lines.push(`       ${goal.text}${goal.detail ? `: ${goal.detail}` : ''}`);
    if (t.actions.length > 0) lines.push(`       replayed: ${t.actions.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function gradeToJunit(g: LessonGrade): JunitSuite {
  return {
    name: g.lesson,
    cases: g.tasks.map((t) => ({
      name: `task ${t.number}: ${t.title}`,
      classname: `lab.${g.lesson}`,
      ...(t.passed ? {} : { failures: [{ text: [...t.goals.filter((x) => !x.met).map((x) => `${x.text}${x.detail ? `: ${x.detail}` : ''}`), ...(t.actions.length > 0 ? [`replayed: ${t.actions.join('; ')}`] : [])].join('\n') }] }),
    })),
  };
}

async function reset(host: Host, lesson: string, yes: boolean, ctx: CommandContext): Promise<number> {
  const file = host.find(lesson);
  if (!yes) {
    if (!(ctx.io.stdout.isTTY && process.stdin.isTTY === true)) throw new UsageError(`--reset ${lesson} forgets your progress and puts the lesson's files back: add --yes to do it without a terminal`);
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Forget your progress in ${file.lesson.id} and put its files back? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.io.stdout.write('nothing changed\n');
      return EXIT_OK;
    }
  }
  host.store.resetWorkspace(file.lesson);
  host.store.forget(file.lesson.id);
  ctx.io.stdout.write(`${file.lesson.id}: progress forgotten, files put back in ${host.store.root}/labs/${file.lesson.id}\n`);
  return EXIT_OK;
}
