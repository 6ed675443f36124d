/**
 * `vrrp-lab validate FILE|DIR|- ... [--node NAME=FILE]...`: keepalived's own
 * checks plus the ones it does not make, printed like a compiler, then the
 * election table.
 *
 * Files given as arguments and with --node are the nodes of one cluster, the
 * arguments first: a file's node is named after it (lb1.conf → lb1), a --node's
 * as given, so one file can be two nodes (seed 000's two routers share one
 * keepalived.conf). `-` is standard input, read once however often it is named.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../invalid-argument.js';
import { UsageError } from '../../core/errors.js';
import type { CliCommand } from '../command.js';
import { EXIT_USAGE } from '../exit-codes.js';
import { fileLines, renderJson, renderText } from '../validate/render.js';
import { keepalivedExitOf } from '../validate/report.js';
import { STDIN_NAME, validatePaths, type NodeTarget } from '../validate/run-validation.js';

const INTERFACE_NAME = /^[A-Za-z0-9_.:@-]{1,15}$/;
/** Node names as `simulate --node` takes them. */
const NODE_NAME = /^[A-Za-z][\w.-]*$/;

function nodeArg(value: string, previous: NodeTarget[] = []): NodeTarget[] {
  const eq = value.indexOf('=');
  const node = value.slice(0, Math.max(eq, 0));
  const path = value.slice(eq + 1);
  if (eq <= 0 || path === '') throw new InvalidArgumentError(`expected NAME=FILE, e.g. gw1=keepalived.conf; got '${value}'`);
  if (!NODE_NAME.test(node)) throw new InvalidArgumentError(`'${node}' is not a node name (a letter, then letters, digits, _ . -)`);
  if (previous.some((n) => n.node === node)) throw new InvalidArgumentError(`node '${node}' is given twice`);
  return [...previous, { node, path }];
}

function interfaceList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.find((n) => !INTERFACE_NAME.test(n));
  if (names.length === 0) throw new InvalidArgumentError('give at least one interface name, e.g. eth0,eth1');
  if (bad !== undefined) throw new InvalidArgumentError(`'${bad}' is not an interface name (1-15 letters, digits, . _ - : @)`);
  return names;
}

export const validateCommand: CliCommand = {
  usage: 'validate [paths...]',
  summary: 'check keepalived.conf files (one per node) like a compiler, across nodes, with an election table',
  description: `Check keepalived configuration files: keepalived's own checks (as keepalived -t
makes them) and the checks it does not make.

All files given — and all configs found in a directory given — are treated as
the nodes of ONE cluster: their VRRP instances are matched by interface name and
virtual_router_id and must agree on VIPs, authentication, advert_int and version;
priorities should differ; unicast peers must list each other. Use --separate to
check unrelated files independently.

A node is named after its file (lb1.conf is node lb1). --node NAME=FILE names
it, and lets one file be several nodes: --node gw1=keepalived.conf --node
gw2=keepalived.conf checks two routers that run the same file, with the
cross-node checks and a two-node election table. Files given as arguments and
with --node may be mixed (the arguments come first). A file named - is read
from standard input (shown as <stdin>).

The election table shows, for every combination of track_script /
track_interface outcomes, each node's effective priority and who becomes master.

Exit status: 0 no errors, 1 errors found, 2 usage error or unreadable input.
With --keepalived-exit: the status keepalived -t would exit with (the highest of
the files'): 0 nothing keepalived reports, 2 keepalived stops at a keyword
missing its parameter, 4 only "cannot run" findings (a missing include), 5 any
other finding keepalived reports (warnings and deprecations included, as
keepalived 2.2.7 counts them), 6 never (script security depends on the host),
139 a line keepalived 2.2.7 crashes on. This project's own checks (cross-node,
LVS advice) do not count.`,
  examples: [
    { args: 'validate lb1.conf lb2.conf', explain: 'check two nodes of one cluster, with the cross-node checks and the election table' },
    { args: 'validate --node gw1=keepalived.conf --node gw2=keepalived.conf', explain: 'two routers running the same file: cross-node checks and a two-node election table' },
    { args: 'validate --separate /etc/keepalived/', explain: 'check every config in a folder, each on its own' },
    { args: 'validate - < keepalived.conf', explain: 'check the config on standard input' },
    { args: 'validate --host-interfaces eth0,eth1 --check-scripts /etc/keepalived/keepalived.conf', explain: 'also check interfaces and script files as on this host' },
    { args: 'validate --json lb1.conf lb2.conf', explain: 'the same as one JSON document' },
    { args: 'validate --keepalived-exit --host-interfaces eth0 keepalived.conf', explain: 'fail (or pass) exactly where keepalived -t would on this host' },
  ],
  define(cmd: Command) {
    cmd
      .option('--node <NAME=FILE>', 'a node and its config, named (repeat; one file may be several nodes)', nodeArg)
      .option('--separate', 'validate each file on its own (no cross-file checks)')
      .option('--host-interfaces <names>', 'comma-separated interfaces of the target host; enables interface-existence checks', interfaceList)
      .option('--check-scripts', 'check vrrp_script, MISC_CHECK and notify programs on this machine (exists, executable, not writable by others)')
      .option('--previous <cluster.conf>', 'the cluster.conf running now: the new one must raise config_version (as ccs_config_validate and cman require)')
      .option('--config-id <id>', 'the config-id for @ID lines (keepalived -i; default: none)')
      .option('--no-table', 'do not print the election table')
      .option('-q, --quiet', 'print errors only')
      .option('--keepalived-exit', 'exit with the status keepalived -t would (0, 2, 4, 5 or 139), for CI gates that follow keepalived')
      .option('--junit <file>', 'write JUnit XML: a testcase per file, a failure per error');
  },
  async run({ args, options }, { io, style, json }) {
    const paths = (args[0] as string[] | undefined) ?? [];
    const nodes = (options['node'] as NodeTarget[] | undefined) ?? [];
    if (paths.length === 0 && nodes.length === 0) {
      throw new UsageError('give the files to check (FILE, DIR, or - for standard input) or --node NAME=FILE');
    }
    if (paths.some((p) => p === '')) {
      io.stderr.write("vrrp-lab validate: error: an empty path was given\n(run 'vrrp-lab validate --help' for usage)\n");
      return EXIT_USAGE;
    }
    const previousPath = options['previous'] as string | undefined;
    let previous: { text: string; file: string } | undefined;
    if (previousPath !== undefined) {
      try {
        previous = { text: readFileSync(resolve(io.cwd, previousPath), 'utf8'), file: previousPath };
      } catch (e) {
        io.stderr.write(`vrrp-lab validate: error: --previous ${previousPath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}\n(run 'vrrp-lab validate --help' for usage)\n`);
        return EXIT_USAGE;
      }
    }
    // Standard input is kept to show its lines under the findings, as a file's are.
    let stdin: string | undefined;
    const { readStdin } = io;
    const report = await validatePaths([...paths, ...nodes], {
      ...(readStdin ? { readStdin: async (max: number) => (stdin ??= await readStdin(max)) } : {}),
      ...(previous ? { previous } : {}),
      separate: options['separate'] === true,
      ...(options['hostInterfaces'] ? { hostInterfaces: options['hostInterfaces'] as string[] } : {}),
      checkScripts: options['checkScripts'] === true,
      ...(typeof options['configId'] === 'string' ? { configId: options['configId'] } : {}),
      pathEnv: io.env['PATH'],
    });
    const render = { quiet: options['quiet'] === true, table: options['table'] !== false };
    const files = fileLines();
    const lines = (file: string) => (file === STDIN_NAME && stdin !== undefined ? stdin.split('\n') : files(file));
    io.stdout.write(json ? renderJson(report, render) : renderText(report, style, render, lines));
    if (typeof options['junit'] === 'string') {
      const { validationToJunit, writeJunit } = await import('../junit-report.js'); // only when asked: start-up
      writeJunit(options['junit'], io.cwd, [validationToJunit(report.files)]);
    }
    if (options['keepalivedExit'] !== true) return report.exitCode;
    const code = keepalivedExitOf(report);
    if (!json) io.stdout.write(`exit status ${code}: what keepalived -t would exit with (--keepalived-exit)\n`);
    return code;
  },
};
