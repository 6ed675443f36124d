/**
 * VRRP on the wire for the node daemon: one raw IPv4 socket per interface for
 * IP protocol 112, bound to its device, sending whole datagrams (IP_HDRINCL:
 * the engine writes the IP header — TTL 255, source, destination) and
 * receiving whole datagrams (raw IPv4 sockets deliver the header).
 *
 * Receiving 224.0.0.18 needs the interface to be a member of the group: a UDP
 * socket joins it on the interface's address (membership is per interface,
 * whatever the socket's protocol).
 *
 * An advert leaves in the call that sends it, as keepalived's sendto does.
 * raw-socket queues a send until the poll phase reports the socket writable,
 * and reports a socket both readable and writable as readable only: a process
 * resumed with adverts kept in its socket read them all, one per loop turn,
 * and forked an arping per gratuitous ARP in between, before its own advert
 * left (measured: 19 ARPs and 40 ms to 0.38 s after SIGCONT). So each send is
 * flushed at once (onSendReady sends the oldest queued request with a plain
 * sendto); a failed sendto is reported as a socket error, the advert lost.
 *
 * raw-socket is an optional dependency (a native addon: a user who only
 * simulates installs without a compiler), so it is loaded when the first socket
 * opens, and its absence is an error that says so rather than a module trace.
 */
import { createSocket as createUdpSocket, type Socket as UdpSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import type { RawSocket } from 'raw-socket';
import { VrrpLabError } from '../core/errors.js';

type RawSocketModule = typeof import('raw-socket').default;

export class RawSocketMissingError extends VrrpLabError {
  readonly code = 'raw-socket-missing';
}

let loaded: RawSocketModule | undefined;

/** raw-socket, or RawSocketMissingError naming what to install. */
export function loadRawSocket(require = createRequire(import.meta.url)): RawSocketModule {
  if (loaded) return loaded;
  try {
    loaded = require('raw-socket') as RawSocketModule;
    return loaded;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new RawSocketMissingError(
      `the ts engine needs the native addon raw-socket, an optional dependency of vrrp-lab that is not installed or did not build (${why}): ` +
        'install it with `npm install raw-socket` (it needs python3, make and a C++ compiler), or run keepalived instead (--engine keepalived)',
      { cause },
    );
  }
}

export const VRRP_PROTOCOL = 112;
export const VRRP_GROUP = '224.0.0.18';

export interface VrrpSocket {
  send(bytes: Uint8Array, destination: string): void;
  close(): void;
}

export function openVrrpSocket(ifname: string, address: string, onPacket: (bytes: Uint8Array) => void, onError: (e: Error) => void): Promise<VrrpSocket> {
  const raw = loadRawSocket();
  const socket: RawSocket = raw.createSocket({ protocol: VRRP_PROTOCOL, addressFamily: raw.AddressFamily.IPv4, bufferSize: 65535 });
  const on = Buffer.alloc(4);
  on.writeUInt32LE(1, 0);
  socket.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, on, 4);
  const device = Buffer.from(ifname, 'ascii');
  socket.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_BINDTODEVICE, device, device.length);
  socket.on('message', (buffer) => onPacket(new Uint8Array(buffer)));
  socket.on('error', onError);
  const group: UdpSocket = createUdpSocket({ type: 'udp4', reuseAddr: true });
  return new Promise((resolve, reject) => {
    group.once('error', reject);
    group.bind(0, () => {
      group.addMembership(VRRP_GROUP, address);
      resolve({
        send: (bytes, destination) => {
          const b = Buffer.from(bytes);
          socket.send(b, 0, b.length, destination, null, (error) => error && onError(error));
          socket.onSendReady();
        },
        close: () => {
          socket.close();
          group.close();
        },
      });
    });
  });
}
