/** The deterministic simulator: public surface. */
export { Simulation } from './simulation.js';
export { SimNode, type NodeStatus, type HeldAddress } from './sim-node.js';
export type { SimNodeConfig, SimulationOptions, VrrpEngineLike } from './types.js';
export { defaultLvsEngines, createSimBackend, simNodeConfig, simBackend, type SimBackend, type SimBackendOptions, type SimCluster, type SimStartedCluster } from './sim-backend.js';
export { EventQueue, compareScheduled, type Scheduled } from './event-queue.js';
export { SimNetwork, Attachment, Segment, DEFAULT_LATENCY_US, vrrpVrid, type LinkOptions, type Link, type Rule, type Verdict, type NetworkDropCode } from './network.js';
export { ObservationLog, OBSERVATION_KINDS, DEFAULT_OBSERVED_KINDS, CLUSTER_WIDE, traceHash, canonicalJson } from './observations.js';
export { encodePcap, decodePcap, ethernetFrame, gratuitousArpFrame, LINKTYPE_ETHERNET, type PcapRecord } from '../core/pcap.js';
export { interfaceMac, multicastMac, virtualRouterMac, formatMac } from '../core/mac.js';
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
export { SimLvs, type LvsEngines } from './lvs/lvs.js';
export { SimDirector } from './lvs/director.js';
export { SimRealServer, type RealServerState } from './lvs/real-server.js';
export { SimClients, DEFAULT_HOLD_US, DATA_INTERVAL_US, GIVE_UP_US } from './lvs/clients.js';
export { LvsWire, type LvsEndpoint } from './lvs/wire.js';
export { ipvsDirectorFactory } from './lvs/ipvs.js';
export type { LvsPacket, TcpSegment } from './lvs/packet.js';
