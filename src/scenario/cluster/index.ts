/**
 * Cluster configurations (corosync.conf, and others through readers) mapped to
 * the cluster simulator's spec, and recorded corosync cases read as runs.
 */
export { clusterSpecFromCorosync, votequorumConfigOf } from './from-corosync.js';
export { readRecorderCase, type RecorderCase } from './recorder-case.js';
export { clusterConfigReaders, corosyncReader, readerFor, type ClusterConfigReader, type ClusterConfigRead } from './load.js';
export { clusterConfReader, clusterSpecFromClusterConf, cmanQuorumConfig } from './from-cluster-conf.js';
export { parseClusterScenario, parseClusterExpectation, type ClusterScenario, type ClusterExpectation, type Loc } from './scenario-file.js';
