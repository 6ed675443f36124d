import { describe, expect, it } from 'vitest';
import { encodePcap } from '../core/pcap.js';
import { instant } from '../core/time.js';
import { CaptureFormatError, mergeCaptures, readCapture } from './capture.js';

const frame = (tag: number): Uint8Array => Uint8Array.from([tag, 1, 2, 3]);
/** A pcap as tcpdump writes it: realtime microsecond stamps. */
const file = (stamps: readonly number[], tag: number): Uint8Array => encodePcap(stamps.map((us, i) => ({ at: instant(us), frame: frame(tag + i) })));

describe('node captures merged on the run clock', () => {
  it('reads the frames back with their stamps', () => {
    expect(readCapture(file([5_000_000, 5_500_001], 10), 'lb1:eth0')).toEqual([
      { at: 5_000_000, frame: frame(10) },
      { at: 5_500_001, frame: frame(11) },
    ]);
  });

  it('merges every sender in time order, from the start of the run', () => {
    const t0 = 1_000_000;
    const merged = mergeCaptures([{ name: 'lb1:eth0', bytes: file([900_000, 1_200_000, 3_000_000], 10) }, { name: 'lb2:eth0', bytes: file([2_000_000], 20) }], t0);
    expect(merged.frames).toBe(3);
    expect(readCapture(merged.pcap, 'merged').map((r) => [r.at, r.frame[0]])).toEqual([
      [200_000, 11],
      [1_000_000, 20],
      [2_000_000, 12],
    ]);
  });

  it('keeps the whole records of a file cut short, and names what is not a capture', () => {
    const whole = file([1, 2], 10);
    expect(readCapture(whole.slice(0, whole.length - 2), 'lb1:eth0')).toHaveLength(1);
    expect(() => readCapture(Uint8Array.from([1, 2, 3]), 'lb1:eth0')).toThrow(CaptureFormatError);
    expect(() => readCapture(new Uint8Array(24), 'lb1:eth0')).toThrow(/^lb1:eth0: not a pcap file/);
    const sll = whole.slice();
    new DataView(sll.buffer).setUint32(20, 113, true);
    expect(() => readCapture(sll, 'lb2:eth1')).toThrow('lb2:eth1: link type 113, expected Ethernet (1)');
  });
});
