/** The backend-neutral node spec: what every backend runs a node from. */
export { nodeSpecOf, type NodeSpec, type NodeInterfaceSpec, type KeepalivedSource, type NodeBackend, type NodeClusterSpec } from './node-spec.js';
export * from './rhcs.js';
