/**
 * IPVS's own TCP state machine (net/netfilter/ipvs/ip_vs_proto_tcp.c), which is
 * not the TCP stack's: the director guesses a connection's state from the flags
 * of the packets it forwards, to decide its idle timeout and whether it counts
 * as active or inactive on its real server.
 *
 * Theory of operation — transcribed from the kernel:
 * - States (`IP_VS_TCP_S_*`): NONE ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT
 *   TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN SYNACK, numbered 0..10 in that
 *   order (the numbers travel in sync messages).
 * - `tcp_state_idx`: a packet's class is rst if RST is set, else syn if SYN,
 *   else fin if FIN, else ack if ACK; a packet with none of them moves the
 *   connection to CLOSE whatever its state (`set_tcp_state` starts from CLOSE).
 * - Three tables (`tcp_states[]`): INPUT (client → server, for NAT), OUTPUT
 *   (server → client, only NAT connections show the director replies) and
 *   INPUT-ONLY, used for input packets while the connection carries NOOUTPUT —
 *   which every DR/TUN connection does from birth; an OUTPUT packet clears it.
 * - `secure_tcp` swaps in `tcp_states_dos`, which holds a connection in SYNACK
 *   until the handshake really completes.
 * - Active states (`tcp_state_active_table`): ESTABLISHED, SYN_SENT, SYN_RECV and
 *   SYNACK. Mainline kernels before 4.8 ("ipvs: count pre-established TCP states
 *   as active", 2016) counted only ESTABLISHED, so a connect that never completed
 *   (SYN_RECV) was inactive; some distribution kernels took the change earlier.
 *   This model follows the 4.8 and later table.
 * - Timeouts (`tcp_timeouts[]`), seconds: NONE 2, ESTABLISHED 900, SYN_SENT 120,
 *   SYN_RECV 60, FIN_WAIT 120, TIME_WAIT 120, CLOSE 10, CLOSE_WAIT 60, LAST_ACK 30,
 *   LISTEN 120, SYNACK 120. `ipvsadm --set` changes ESTABLISHED and FIN_WAIT.
 * - UDP (ip_vs_proto_udp.c) has one state and one timeout, 300 s; its
 *   connections never become active.
 *
 * Rules: pure table lookups; no allocation.
 */
import type { ConnStateName, TcpFlags } from './director-types.js';

export const IP_VS_TCP_S_NONE = 0;
export const IP_VS_TCP_S_ESTABLISHED = 1;
export const IP_VS_TCP_S_SYN_SENT = 2;
export const IP_VS_TCP_S_SYN_RECV = 3;
export const IP_VS_TCP_S_FIN_WAIT = 4;
export const IP_VS_TCP_S_TIME_WAIT = 5;
export const IP_VS_TCP_S_CLOSE = 6;
export const IP_VS_TCP_S_CLOSE_WAIT = 7;
export const IP_VS_TCP_S_LAST_ACK = 8;
export const IP_VS_TCP_S_LISTEN = 9;
export const IP_VS_TCP_S_SYNACK = 10;
export const IP_VS_TCP_S_LAST = 11;

/** UDP's only state (`IP_VS_UDP_S_NORMAL`). */
export const IP_VS_UDP_S_NORMAL = 0;

export const TCP_STATE_NAMES: readonly ConnStateName[] = [
  'NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK',
];

/** `tcp_timeouts[]`, seconds, indexed by state. */
export const TCP_TIMEOUTS_S: readonly number[] = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120];

/** `udp_timeouts[IP_VS_UDP_S_NORMAL]`, seconds. */
export const UDP_TIMEOUT_S = 300;

/** `tcp_state_active_table[]`. */
const ACTIVE: readonly boolean[] = [false, true, true, true, false, false, false, false, false, false, true];

export function tcpStateActive(state: number): boolean {
  return state < IP_VS_TCP_S_LAST && ACTIVE[state] === true;
}

export function tcpStateName(state: number): ConnStateName {
  return TCP_STATE_NAMES[state] ?? 'NONE';
}

/** Which table applies: the packet's direction after NOOUTPUT has been taken into account. */
export type TcpDirection = 'input' | 'output' | 'input-only';

const SYN = 0;
const FIN = 1;
const ACK = 2;
const RST = 3;

/** `tcp_state_idx`: the row for a packet, or -1 for a packet with no flag the table knows. */
export function tcpStateIndex(flags: TcpFlags | undefined): number {
  if (flags === undefined) return -1;
  if (flags.rst) return RST;
  if (flags.syn) return SYN;
  if (flags.fin) return FIN;
  if (flags.ack) return ACK;
  return -1;
}

// The kernel's short names for the states; NONE (sNO) never appears as a next state.
const [sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI, sSA] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/*
 * Rows: syn, fin, ack, rst. Columns: the current state, NO ES SS SR FW TW CL CW LA LI SA.
 * Transcribed from `tcp_states[]` and `tcp_states_dos[]` in ip_vs_proto_tcp.c.
 */
const NORMAL: readonly (readonly number[])[] = [
  // INPUT
  [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
  [sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW],
  [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
  [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR],
  // OUTPUT
  [sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR],
  [sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW],
  [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES],
  [sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL],
  // INPUT-ONLY
  [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
  [sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW],
  [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
  [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL],
];

const DOS: readonly (readonly number[])[] = [
  // INPUT
  [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSA],
  [sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sSA],
  [sES, sES, sSS, sSR, sFW, sTW, sCL, sCW, sCL, sLI, sSA],
  [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL],
  // OUTPUT
  [sSS, sES, sSS, sSA, sSS, sSS, sSS, sSS, sSS, sLI, sSA],
  [sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW],
  [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES],
  [sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL],
  // INPUT-ONLY
  [sSA, sES, sES, sSR, sSA, sSA, sSA, sSA, sSA, sSA, sSA],
  [sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW],
  [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
  [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL],
];

const OFFSET: Record<TcpDirection, number> = { input: 0, output: 4, 'input-only': 8 };

/**
 * The state after a packet of class `index` (from `tcpStateIndex`) in `direction`,
 * as `set_tcp_state` computes it: -1 (no known flag) means CLOSE.
 */
export function nextTcpState(state: number, direction: TcpDirection, index: number, secureTcp = false): number {
  if (index < 0) return IP_VS_TCP_S_CLOSE;
  const row = (secureTcp ? DOS : NORMAL)[OFFSET[direction] + index];
  return row?.[state] ?? IP_VS_TCP_S_CLOSE;
}
