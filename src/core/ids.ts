/** Names used across layers. Plain strings, kept distinct in signatures for readability. */
export type NodeId = string;
export type InstanceName = string;
export type SegmentId = string;
