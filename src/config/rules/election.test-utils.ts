import type { ElectionNode, ElectionTracker } from './election-table.js';

/** A node for election tests: `node('lb1', 100, { trackers: [script('lb1', 'chk', -20)] })`. */
export function node(name: string, basePriority: number, extra: Partial<ElectionNode> = {}): ElectionNode {
  return {
    node: name,
    file: `${name}.conf`,
    instance: 'VI_1',
    basePriority,
    trackers: [],
    stateMaster: false,
    nopreempt: false,
    prioritySource: { file: `${name}.conf`, line: 5, column: 5 },
    instanceSource: { file: `${name}.conf`, line: 1, column: 1 },
    ...extra,
  };
}

export function script(nodeName: string, name: string, weight: number, reverse = false): ElectionTracker {
  return { id: `${nodeName}:${name}`, node: nodeName, kind: 'script', name, weight, reverse, source: { file: `${nodeName}.conf`, line: 9, column: 9 } };
}

export function iface(nodeName: string, name: string, weight: number, reverse = false): ElectionTracker {
  return { id: `${nodeName}:if ${name}`, node: nodeName, kind: 'interface', name, weight, reverse, source: { file: `${nodeName}.conf`, line: 12, column: 9 } };
}
