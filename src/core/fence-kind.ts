/**
 * The kinds of fence device, shared by the config readers (which map an agent name to
 * a kind) and the fencing engine (which models what each kind does): power cut by the
 * node's own BMC, by a PDU or by a hypervisor; fabric cut at a SAN switch or by a SCSI
 * reservation; a human (manual); nothing at all (fence_dummy).
 */
export type FenceDeviceKind =
  | 'power-bmc'
  | 'power-pdu'
  | 'power-virt'
  | 'fabric-san'
  | 'fabric-scsi'
  | 'manual'
  | 'none'
  | 'power-other';
