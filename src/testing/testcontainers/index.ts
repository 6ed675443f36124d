/**
 * `vrrp-lab/testcontainers`: keepalived clusters in users' own test suites, in
 * testcontainers-node's conventions (builder → started → stopped, `await using`).
 * testcontainers is an optional peer dependency of vrrp-lab: install it to use this.
 */
export { VrrpClusterContainer, type VrrpNodeOptions } from './vrrp-cluster-container.js';
export { StartedVrrpCluster, StoppedVrrpCluster, type WaitOptions } from './started-vrrp-cluster.js';
