import type { ClusterNode, InstanceView, VirtualServerView } from './cluster-view.js';
import type { Loc } from '../source.js';

export const at = (file: string, line: number, column = 5): Loc => ({ file, line, column });

/**
 * A two-file-friendly instance: every setting sits on a fixed line of `file`
 * so tests can assert where findings are anchored.
 *   1 vrrp_instance · 2 state · 3 interface · 4 vrid · 5 priority · 6 advert_int
 *   7 auth · 8 auth_pass · 9 unicast_src_ip · 10 unicast_peer · 11.. peers · 20 vips · 21.. vip lines
 */
export function instance(file: string, extra: Partial<InstanceView> & { vipList?: string[]; peers?: string[]; src?: string } = {}): InstanceView {
  const { vipList = ['192.0.2.100/24'], peers = [], src, ...rest } = extra;
  return {
    name: 'VI_1',
    at: at(file, 1, 1),
    interface: { value: 'eth0', at: at(file, 3) },
    vrid: { value: 51, at: at(file, 4) },
    priority: 100,
    priorityAt: at(file, 5),
    advertInt: 1,
    advertIntAt: at(file, 6),
    version: 2,
    vips: vipList.map((v, i) => ({ value: v, at: at(file, 21 + i, 9) })),
    vipsAt: at(file, 20),
    unicastPeers: peers.map((p, i) => ({ value: p, at: at(file, 11 + i, 9) })),
    ...(peers.length ? { unicastPeersAt: at(file, 10) } : {}),
    ...(src ? { unicastSrcIp: { value: src, at: at(file, 9) } } : {}),
    trackers: [],
    ...rest,
  };
}

export function clusterNode(name: string, instances: InstanceView[], virtualServers: VirtualServerView[] = []): ClusterNode {
  return { node: name, file: `${name}.conf`, instances, virtualServers };
}
