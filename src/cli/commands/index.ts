/**
 * The command registry: one entry per command, in the order `--help` lists them.
 *
 * Theory of operation: a command's module is loaded only when that command runs
 * (`load()`, a dynamic import), so `vrrp-lab --help` and `vrrp-lab validate x.conf`
 * never load the Docker client, the simulator or the other commands' code. What
 * the top-level help shows of a command — its usage, summary and first example —
 * is therefore written here as well as in the command's module;
 * `index.test.ts` fails when the two disagree.
 *
 * To add a command: write `commands/<name>.ts` exporting a `CliCommand` and add an
 * entry here (copy its usage, summary and first example).
 */
import type { CliCommand, CommandExample } from '../command.js';

export interface CommandEntry {
  /** The command's `usage` (the word after `vrrp-lab`, then its arguments). */
  readonly usage: string;
  /** The command's `summary`. */
  readonly summary: string;
  /** The command's first example, shown by `vrrp-lab --help`. */
  readonly example: CommandExample;
  /** Whether the command has options of its own (a group has none). */
  readonly group?: true;
  /** Imports the command's module. */
  load(): Promise<CliCommand>;
}

export const commands: readonly CommandEntry[] = [
  {
    usage: 'validate [paths...]',
    summary: 'check keepalived.conf files (one per node) like a compiler, across nodes, with an election table',
    example: { args: 'validate lb1.conf lb2.conf', explain: 'check two nodes of one cluster, with the cross-node checks and the election table' },
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    usage: 'simulate [scenario]',
    summary: 'run keepalived.conf files in virtual time: who is master when, and why',
    example: { args: 'simulate --node lb1=lb1.conf --node lb2=lb2.conf --event "6 kill lb1" --event "11 start lb1" --until 20', explain: 'crash the master at 6 s and restart it at 11 s' },
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    usage: 'run [scenario]',
    summary: 'run a scenario on real Docker containers (real keepalived, or our engine) and compare with the simulator',
    example: { args: 'run --backend docker --engine keepalived --node lb1=lb1.conf --node lb2=lb2.conf --event "6 kill lb1" --until 20', explain: 'crash the master on real keepalived and compare with the simulator' },
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    usage: 'test [paths...]',
    summary: 'run every .scenario file under the paths as a test suite (summary, exit 1 on failure, --junit)',
    example: { args: 'test scenarios/ --junit reports/scenarios.xml', explain: 'every scenario on the simulator, with a JUnit report for CI' },
    load: async () => (await import('./test.js')).testCommand,
  },
  {
    usage: 'image <action>',
    summary: 'build (or show) the Docker image lab nodes run: keepalived, network tools, our node daemon',
    example: { args: 'image build', explain: 'build the node image for `vrrp-lab run --backend docker` (cached by input hash)' },
    load: async () => (await import('./image.js')).imageCommand,
  },
  {
    usage: 'ipvs <action>',
    summary: 'run a Linux IPVS scheduler by hand: which real server each new connection gets (pick, explain)',
    example: { args: 'ipvs pick --scheduler wrr --server a:4 --server b:3 --server c:2 --count 9', explain: 'the wrr order for weights 4, 3, 2' },
    load: async () => (await import('./ipvs.js')).ipvsCommand,
  },
  {
    usage: 'lab [lesson]',
    summary: 'the terminal lab: lessons that break a cluster and watch it heal, checked live (--check grades them in CI)',
    example: { args: 'lab 01-election', explain: 'open the first lesson in the terminal app' },
    load: async () => (await import('./lab.js')).labCommand,
  },
  {
    usage: 'cluster',
    summary: 'corosync/Pacemaker/RHCS clusters: membership, quorum and fencing in virtual time',
    example: { args: 'cluster simulate --config corosync.conf --event "8 kill node3" --until 30', explain: 'crash node3 at 8 s: when the others notice, and their quorum' },
    group: true,
    load: async () => (await import('./cluster.js')).clusterCommand,
  },
];

/** The bare name of a registry entry (`validate` for `validate <paths...>`). */
export function entryName(entry: CommandEntry): string {
  return entry.usage.split(/\s+/)[0] ?? entry.usage;
}

/** Loads every command (for tests and tools that need them all). */
export async function loadAllCommands(): Promise<CliCommand[]> {
  return Promise.all(commands.map((c) => c.load()));
}
