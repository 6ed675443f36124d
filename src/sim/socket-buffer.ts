/**
 * A socket's receive queue while its process is stopped (SIGSTOP): what the
 * kernel keeps for keepalived to read when it gets SIGCONT.
 *
 * Theory of operation
 * -------------------
 * Linux charges each queued datagram to its socket at the skb's *truesize* (the
 * buffer the kernel allocated for it, not the bytes on the wire) and refuses a
 * new one once the charge is at or above the socket's receive buffer (SO_RCVBUF;
 * net/core/sock.c, the `sk_rmem_alloc >= sk_rcvbuf` test before queueing). The
 * datagram that crosses the line is still taken; the next is dropped.
 *
 * keepalived leaves SO_RCVBUF alone on its VRRP sockets unless told otherwise
 * (`vrrp_rx_bufs_policy`), so the buffer is net.core.rmem_default: 212 992 bytes,
 * which the kernel sizes as 256 × SKB_TRUESIZE(256) — room for 256 small packets.
 *
 * The truesize of a VRRP advert, measured: a SIGSTOPped keepalived 2.2.7's VRRP
 * socket held 4160 bytes for 5 adverts of 40 bytes (one VIP), 832 each (Linux
 * 6.18, veth on a bridge; `ss`, /proc/net/raw). On kernels since 6.3 a small
 * head comes from a cache of 576-byte objects (SKB_SMALL_HEAD_CACHE_SIZE, which
 * depends on the kernel's MAX_HEADER), of which 320 bytes are skb_shared_info;
 * with the sk_buff itself (256 once cache-aligned) that is 832 for any datagram
 * whose head fits — every advert up to 225 bytes (VRRPv2 with up to 47 VIPs). Bigger adverts take
 * a kmalloc object rounded up to a power of two. A physical NIC's driver may
 * charge more (its receive buffer size); the model is the measured bridge.
 *
 * Rules
 * -----
 * - One queue per interface: keepalived has one receive socket per interface
 *   and address family, shared by every instance on it.
 * - `admit` says whether the kernel would queue a datagram; the caller keeps
 *   only what was admitted, so memory is bounded by the buffer.
 */

/** net.core.rmem_default on Linux: SO_RCVBUF of a socket that never set it. */
export const DEFAULT_RCVBUF = 212_992;

/** skb_shared_info (320) and sk_buff (256), cache-aligned, on x86-64. */
const SKB_OVERHEAD = 320 + 256;
/** The small-head cache object on the measured kernel (6.x, MAX_HEADER 208). */
const SMALL_HEAD_OBJECT = 576;
/** What a raw socket's send path reserves around the datagram: LL_RESERVED_SPACE (16) + 15. */
const SEND_RESERVE = 16 + 15;

/** The truesize Linux charges a receiving socket for an IPv4 datagram of `length` bytes (see the header). */
export function datagramTruesize(length: number): number {
  const head = Math.ceil((length + SEND_RESERVE) / 64) * 64 + 320;
  const object = head <= SMALL_HEAD_OBJECT ? SMALL_HEAD_OBJECT : 2 ** Math.ceil(Math.log2(head));
  return object - 320 + SKB_OVERHEAD;
}

/** What one socket has charged against its receive buffer while nobody reads it. */
export class ReceiveBuffer {
  private charged = 0;
  private count = 0;

  constructor(private readonly rcvbuf: number = DEFAULT_RCVBUF) {}

  /** Charge a datagram of `truesize` bytes; false when the buffer is already full (the kernel drops it). */
  admit(truesize: number): boolean {
    if (this.charged >= this.rcvbuf) return false;
    this.charged += truesize;
    this.count++;
    return true;
  }

  /** The reader took everything. */
  empty(): void {
    this.charged = 0;
    this.count = 0;
  }

  /** Datagrams queued. */
  get length(): number {
    return this.count;
  }

  /** Bytes charged, as /proc/net/raw's rx_queue shows them. */
  get bytes(): number {
    return this.charged;
  }
}
