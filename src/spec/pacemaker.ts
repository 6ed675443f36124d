/**
 * The backend-neutral spec of the Pacemaker stack on a corosync cluster, as the
 * Pacemaker cluster agent runs it: the scheduler's configuration (from a CIB),
 * the fencer's configuration in its Pacemaker flavour (the CIB's stonith devices
 * and options), and the kind of each fence device.
 *
 * Rules: data only; engine configuration types, nothing else.
 */
import type { FenceDeviceKind } from '../core/fence-kind.js';
import type { FencerConfig } from '../fencing/fencer.js';
import type { PcmkConfig } from '../fencing/pacemaker/index.js';

export interface PacemakerAgentSpec {
  readonly pcmk: PcmkConfig;
  readonly fencer: Omit<FencerConfig, 'self'>;
  readonly devices: readonly { readonly name: string; readonly kind: FenceDeviceKind }[];
  /** A fenced node (reboot) is back after this. */
  readonly bootUs: number;
  /** Between two writes of a running resource (what the data-safety checker reads). */
  readonly ioIntervalUs: number;
}
