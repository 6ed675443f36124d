/**
 * Opening a lesson on the simulator: let the routers elect before the first
 * screen, so it shows MASTER and BACKUP rather than two nodes still waiting
 * out their Master_Down_Interval. The election itself stays in the event log
 * (INIT → BACKUP at 0 s, BACKUP → MASTER at 3.4 s), and nothing the learner
 * does is affected: only virtual time has passed, as if the app had been
 * open a few seconds. Docker runs in real time and cluster lessons have no
 * VRRP instances: both open as they are.
 */
import type { LabSession, LabView } from '../lesson/contract.js';

/** The most virtual time an opening may take (a lesson whose routers never elect opens after it). */
export const SETTLE_LIMIT_US = 10_000_000;
const STEP_US = 100_000;

/** Every VRRP instance (by name) has a MASTER somewhere. */
export function elected(view: LabView): boolean {
  const instances = view.nodes.flatMap((n) => n.instances);
  const names = new Set(instances.map((i) => i.name));
  return [...names].every((name) => instances.some((i) => i.name === name && i.state === 'MASTER'));
}

/** Advance a simulator session until every instance has a master, at most SETTLE_LIMIT_US. */
export async function settle(session: LabSession): Promise<void> {
  for (let waited = 0; waited < SETTLE_LIMIT_US; waited += STEP_US) {
    const view = session.view();
    if (view.backend !== 'sim' || view.kind !== 'vrrp' || elected(view)) return;
    await session.advance(STEP_US);
  }
}
