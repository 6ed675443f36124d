/**
 * `vrrp-lab cluster …`: the cluster command group. Each sub-command is a full
 * `CliCommand`; helpers add theirs to `clusterSubcommands`.
 */
import type { CliCommand } from '../command.js';
import { EXIT_USAGE } from '../exit-codes.js';
import { clusterPlanCommand } from './cluster-plan.js';

/** The sub-commands of `vrrp-lab cluster`, in the order its help lists them. */
export const clusterSubcommands: CliCommand[] = [clusterPlanCommand];

export const clusterCommand: CliCommand = {
  usage: 'cluster',
  summary: 'corosync/Pacemaker/RHCS clusters: membership, quorum, fencing and recovery',
  description: "Cluster commands: Pacemaker's scheduler on a CIB (plan).",
  examples: clusterSubcommands.flatMap((c) => c.examples.slice(0, 1)),
  define() {},
  async run() {
    return EXIT_USAGE;
  },
  subcommands: clusterSubcommands,
};
