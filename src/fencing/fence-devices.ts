/**
 * What a fence agent is, as the fencing engines and their hosts see it: the kind of
 * device behind an agent name, whether it cuts power or only fabric access, whether
 * it dies with the node it fences, and how long the agent takes.
 *
 * The agent → kind table lives with the config readers (src/config/fence-agents.ts),
 * which hand the kind to the engine.
 *
 * Facts (restated, ours): fence-agents' fence_ipmilan and its aliases (fence_ilo*,
 * fence_idrac, fence_imm) talk to the node's own BMC, which is powered by the node's
 * supply, so a node that loses power takes its fence device with it. PDUs and
 * hypervisor agents cut power from outside. SAN switch agents (fence_brocade,
 * fence_sanbox2, fence_cisco_mds, fence_ifmib) and SCSI-3 reservations (fence_scsi,
 * fence_mpath) only cut the node off its storage: the node keeps running and must be
 * unfenced (`<unfence>` in cluster.conf, `provides=unfencing` in Pacemaker) before it
 * writes again. fence_manual waits for a human; fence_dummy reports success and does
 * nothing, which is how a cluster "without fencing" is built on cman.
 *
 * Timing (agent library defaults, our reading): login round trip bounded by
 * login_timeout 5 s; IPMI off with power_wait 2 s and status polls ≈ 4 s; a PDU
 * outlet ≈ 3 s; fabric port disable ≈ 1 s. An unreachable device fails after the
 * 5 s login timeout.
 */
import type { DurationUs } from '../core/time.js';
import { US_PER_SECOND } from '../core/time.js';
import type { FenceDeviceKind } from '../core/fence-kind.js';

export type { FenceDeviceKind };

export const isFabricKind = (kind: FenceDeviceKind): boolean => kind === 'fabric-san' || kind === 'fabric-scsi';

/** A BMC is powered by the node it fences: the device dies with that node's power. */
export const sharesPowerWithTarget = (kind: FenceDeviceKind): boolean => kind === 'power-bmc';

export interface AgentTiming {
  /** From the command leaving the agent to the target being off (or cut off its fabric). */
  readonly actUs: DurationUs;
  /** How long an agent takes to give up on a device it cannot reach. */
  readonly unreachableUs: DurationUs;
}

const LOGIN_TIMEOUT_US = 5 * US_PER_SECOND;

export function agentTiming(kind: FenceDeviceKind): AgentTiming {
  switch (kind) {
    case 'power-bmc': return { actUs: 4 * US_PER_SECOND, unreachableUs: LOGIN_TIMEOUT_US };
    case 'power-pdu': return { actUs: 3 * US_PER_SECOND, unreachableUs: LOGIN_TIMEOUT_US };
    case 'power-virt': return { actUs: 2 * US_PER_SECOND, unreachableUs: LOGIN_TIMEOUT_US };
    case 'fabric-san':
    case 'fabric-scsi': return { actUs: 1 * US_PER_SECOND, unreachableUs: LOGIN_TIMEOUT_US };
    case 'none': return { actUs: 0, unreachableUs: 0 };
    case 'manual': return { actUs: 0, unreachableUs: 0 };
    case 'power-other': return { actUs: 3 * US_PER_SECOND, unreachableUs: LOGIN_TIMEOUT_US };
  }
}
