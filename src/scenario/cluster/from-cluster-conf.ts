/**
 * An RHCS cluster.conf → the corosync layer's spec in cman's flavour, and the
 * reader `cluster simulate --config` and `validate` use for it.
 *
 * cman facts (RHCS 3.1.8 cman/daemon/cman-preconfig.c and cman.5, research
 * §2.1/§3.2, our words): cman runs corosync with token 10000 ms unless
 * `<totem token>` says otherwise, no token_coefficient, and a consensus of
 * 0.2 × token clamped to 200…2000 ms for two nodes or token + 2000 ms for more;
 * expected votes are `<cman expected_votes>` or the sum of node votes; two_node
 * forces quorum 1 with no wait_for_all (cman has none).
 */
import type { ClusterConf } from '../../config/cluster-conf/index.js';
import { looksLikeClusterConf, readClusterConf } from '../../config/cluster-conf/index.js';
import { totemTiming } from '../../fencing/membership.js';
import { DEFAULT_LMS_WINDOW_MS, type VotequorumConfig } from '../../fencing/quorum.js';
import type { HaClusterSpec } from '../../spec/ha-cluster.js';
import type { ClusterConfigReader } from './load.js';

export const CMAN_TOKEN_MS = 10_000;
const CMAN_DISCOVERY_MS = 400;

export function cmanQuorumConfig(conf: ClusterConf, nodeId: number): VotequorumConfig {
  return {
    flavour: 'cman', nodeId,
    nodelist: conf.nodes.filter((n) => n.nodeid !== undefined).map((n) => ({ nodeId: n.nodeid as number, votes: n.votes })),
    ...(conf.cman?.expectedVotes !== undefined ? { expectedVotes: conf.cman.expectedVotes } : {}),
    twoNode: conf.cman?.twoNode ?? false, waitForAll: false, lastManStanding: false,
    lastManStandingWindowMs: DEFAULT_LMS_WINDOW_MS, autoTieBreaker: 'none', allowDownscale: false, expectedVotesTracking: false,
  };
}

export function clusterSpecFromClusterConf(conf: ClusterConf, boot?: readonly string[]): HaClusterSpec {
  const nodes = conf.nodes.filter((n) => n.nodeid !== undefined).map((n) => ({ id: n.nodeid as number, name: n.name, quorum: cmanQuorumConfig(conf, n.nodeid as number) }));
  const tokenMs = conf.totem?.tokenMs ?? CMAN_TOKEN_MS;
  const consensusMs = conf.totem?.consensusMs ?? (nodes.length <= 2 ? Math.min(2000, Math.max(200, Math.trunc(0.2 * tokenMs))) : tokenMs + 2000);
  // [inference] cman runs corosync 1.x over UDP multicast, without knet: a starting or
  // healed node is found by join messages, not knet pings paced by the token. We model
  // that discovery with a 400 ms ping interval (a join in ≈1.5 s) instead of token/4.
  const timing = totemTiming({ tokenMs, tokenCoefficientMs: 0, consensusMs, knetPingIntervalMs: CMAN_DISCOVERY_MS, knetPingTimeoutMs: 2 * CMAN_DISCOVERY_MS }, nodes.length);
  return { nodes, timing, ...(boot ? { boot } : {}) };
}

/** Errors a reviewer flags that cman would still start with: the lab runs them to show what happens. */
const RUNNABLE = new Set(['rhcs-no-fence-method', 'rhcs-no-fence-devices', 'rhcs-fence-cycle', 'rhcs-expected-votes-too-low', 'rhcs-unknown-fencedevice', 'rhcs-config-version-not-raised']);

export const clusterConfReader: ClusterConfigReader = {
  kind: 'cluster.conf',
  detect: (text) => looksLikeClusterConf(text),
  read(text, path, options) {
    const r = readClusterConf(text, path);
    if (r.model === undefined || r.diagnostics.some((d) => d.severity === 'error' && !RUNNABLE.has(d.code))) return { diagnostics: r.diagnostics };
    return { spec: clusterSpecFromClusterConf(r.model, options.boot), diagnostics: r.diagnostics };
  },
};
