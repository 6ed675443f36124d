import { describe, expect, it } from 'vitest';
import { DEFAULT_RCVBUF, datagramTruesize, ReceiveBuffer } from './socket-buffer.js';

describe('a stopped process\'s socket buffer, as Linux charges it', () => {
  it('charges a one-VIP VRRPv2 advert (40 bytes) 832 bytes, as measured on a paused keepalived', () => {
    expect(datagramTruesize(40)).toBe(832);
    expect(datagramTruesize(225)).toBe(832); // the last size whose head fits the small-head object
    expect(datagramTruesize(226)).toBe(1280); // a 1024-byte kmalloc object
  });

  it('keeps datagrams while the charge is below SO_RCVBUF: the default holds 256 adverts, the 257th is dropped', () => {
    const buffer = new ReceiveBuffer();
    let kept = 0;
    for (let i = 0; i < 300; i++) if (buffer.admit(datagramTruesize(40))) kept++;
    expect(kept).toBe(256);
    expect(buffer.bytes).toBe(DEFAULT_RCVBUF);
    buffer.empty();
    expect(buffer.admit(832)).toBe(true);
  });

  it('takes the datagram that crosses the line, as the kernel does (the test is before charging)', () => {
    const buffer = new ReceiveBuffer(1000);
    expect([buffer.admit(832), buffer.admit(832), buffer.admit(832)]).toEqual([true, true, false]);
    expect(buffer.length).toBe(2);
  });
});
