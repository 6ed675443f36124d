/**
 * The cluster simulator: corosync membership and votequorum on a simulated
 * cluster network, with agents (fencing, services, disks) plugged in.
 *
 *   new ClusterSimulation(spec, events, { seed, until, agents }).run() → { events, notes }
 *   parseClusterEvent('8 kill node3', source) → ClusterEvent
 *   checkClusterEvents(spec, events, agents)   → throws a located ScenarioError
 */
export { ClusterSimulation, ClusterRunTooLarge, MAX_STEPS, QDEVICE_REGISTER_US, QDEVICE_MEMBER, type ClusterRunOptions, type ClusterRunResult } from './simulation.js';
export { parseClusterEvent, MAX_EVENTS, MAX_EVENT_SECONDS, type ClusterEvent, type ClusterEventBody, type EventSource } from './events.js';
export { checkClusterEvents } from './check.js';
export { clusterAgentFactories, type ClusterAgentFactory, type ClusterInputs } from './agents.js';
export type * from './types.js';
