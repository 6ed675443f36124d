/**
 * Which kind of fence device an agent name drives (power from outside, the node's own
 * BMC, fabric, manual, none), for the cluster.conf and CIB readers. The fencing
 * engine (src/fencing/fence-devices.ts) takes the kind as data and models what each
 * kind does; the facts behind the table are written down there.
 */
import type { FenceDeviceKind } from '../core/fence-kind.js';

const KIND_BY_AGENT: Readonly<Record<string, FenceDeviceKind>> = {
  fence_ipmilan: 'power-bmc', fence_ipmilanplus: 'power-bmc', fence_ilo: 'power-bmc', fence_ilo2: 'power-bmc',
  fence_ilo3: 'power-bmc', fence_ilo4: 'power-bmc', fence_ilo5: 'power-bmc', fence_ilo_ssh: 'power-bmc',
  fence_idrac: 'power-bmc', fence_imm: 'power-bmc', fence_drac: 'power-bmc', fence_drac5: 'power-bmc',
  fence_rsa: 'power-bmc', fence_amt: 'power-bmc', fence_intelmodular: 'power-bmc',
  fence_apc: 'power-pdu', fence_apc_snmp: 'power-pdu', fence_wti: 'power-pdu', fence_eaton_snmp: 'power-pdu',
  fence_raritan: 'power-pdu', fence_cdu: 'power-pdu', fence_eps: 'power-pdu', fence_baytech: 'power-pdu',
  fence_bladecenter: 'power-pdu', fence_egenera: 'power-pdu',
  fence_xvm: 'power-virt', fence_virsh: 'power-virt', fence_virt: 'power-virt', fence_vmware: 'power-virt',
  fence_vmware_soap: 'power-virt', fence_rhevm: 'power-virt', fence_aws: 'power-virt', fence_gce: 'power-virt',
  fence_azure_arm: 'power-virt',
  fence_brocade: 'fabric-san', fence_sanbox2: 'fabric-san', fence_cisco_mds: 'fabric-san', fence_ifmib: 'fabric-san',
  fence_mcdata: 'fabric-san', fence_vixel: 'fabric-san',
  fence_scsi: 'fabric-scsi', fence_mpath: 'fabric-scsi',
  fence_manual: 'manual', fence_ack_manual: 'manual',
  fence_dummy: 'none',
};

/** The kind of device an agent drives; unknown agents are assumed to cut power from outside. */
export function deviceKindOfAgent(agent: string): FenceDeviceKind {
  return KIND_BY_AGENT[agent] ?? 'power-other';
}
