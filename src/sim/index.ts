/** The deterministic simulator: public surface. */
export { Simulation } from './simulation.js';
export { SimNode, type NodeStatus, type HeldAddress } from './sim-node.js';
export type { SimNodeConfig, SimulationOptions, VrrpEngineLike } from './types.js';
export { createSimBackend, simBackend, type SimBackend, type SimBackendOptions, type SimCluster, type SimStartedCluster } from './sim-backend.js';
export { EventQueue, compareScheduled, type Scheduled } from './event-queue.js';
export { SimNetwork, Attachment, Segment, DEFAULT_LATENCY_US, vrrpVrid, type LinkOptions, type Link, type Rule, type Verdict, type NetworkDropCode } from './network.js';
export { ObservationLog, OBSERVATION_KINDS, DEFAULT_OBSERVED_KINDS, CLUSTER_WIDE, traceHash, canonicalJson } from './observations.js';
export { encodePcap, decodePcap, ethernetFrame, gratuitousArpFrame, LINKTYPE_ETHERNET, type PcapRecord } from './pcap.js';
export { interfaceMac, multicastMac, virtualRouterMac, formatMac } from './ipv4.js';
export { SimulationFailure } from './errors.js';
export {
  atMostOneMaster,
  convergence,
  convergenceBoundUs,
  routerDirectory,
  checkTrace,
  type Checker,
  type Violation,
  type RouterInfo,
  type RouterOf,
} from './checkers.js';
export { writePcapFile } from './pcap-file.js';
export { benchTopology, runBench, type BenchShape, type BenchResult } from './bench-topology.js';
