// The part of raw-socket (1.8, no bundled types) the node daemon uses.
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';
  export interface RawSocket extends EventEmitter {
    send(buffer: Buffer, offset: number, length: number, address: string, beforeCallback: (() => void) | null, afterCallback: (error: Error | null, bytes: number) => void): void;
    /** Send the oldest queued request now (a sendto; raw-socket calls it when the poll phase reports the socket writable). */
    onSendReady(): void;
    setOption(level: number, option: number, value: Buffer | number, length?: number): void;
    close(): void;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }
  const raw: {
    createSocket(options: { protocol: number; addressFamily?: number; bufferSize?: number }): RawSocket;
    AddressFamily: { IPv4: number; IPv6: number };
    SocketLevel: { SOL_SOCKET: number; IPPROTO_IP: number };
    SocketOption: { SO_BINDTODEVICE: number; IP_HDRINCL: number; IP_TTL: number };
  };
  export default raw;
}
