/**
 * The agents a cluster run gets: one factory per concern (fencing, service
 * recovery, shared disks…), each given the run's inputs and returning the
 * agents it wants, or none when the inputs are not its business.
 *
 * To plug a concern in: write a factory next to its engine's glue and add it to
 * `clusterAgentFactories`. `cluster simulate` calls every factory in order.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { HaClusterSpec } from '../../spec/ha-cluster.js';
import type { ClusterExtras } from '../../spec/rhcs.js';
import { rhcsAgentFactory } from './rhcs-factory.js';
import type { ClusterAgent } from './types.js';

export interface ClusterInputs {
  readonly configPath: string;
  readonly configText: string;
  /** The configuration's kind, e.g. `corosync.conf` or `cluster.conf`. */
  readonly kind: string;
  readonly spec: HaClusterSpec;
  readonly cibPath?: string;
  readonly cibText?: string;
  /** What a scenario adds that the configuration cannot say (fence device networks, storage). */
  readonly extras?: ClusterExtras;
}

export type ClusterAgentFactory = (inputs: ClusterInputs) => { readonly agents: readonly ClusterAgent[]; readonly diagnostics?: readonly Diagnostic[] };

export const clusterAgentFactories: ClusterAgentFactory[] = [rhcsAgentFactory];
