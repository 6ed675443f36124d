import { describe, expect, it } from 'vitest';
import { masterDownIntervalUs, skewMinUs, skewTimeUs } from './rfc3768.js';

describe('RFC 3768 §6.1 timers, keepalived integer µs', () => {
  // research §2.2: Master_Down_Interval for advert_int 1 s
  it.each([
    [255, 3_003_906],
    [254, 3_007_812],
    [200, 3_218_750],
    [150, 3_414_062],
    [101, 3_605_468],
    [100, 3_609_375],
    [90, 3_648_437],
    [50, 3_804_687],
    [1, 3_996_093],
  ])('priority %i → down %i µs', (priority, down) => {
    expect(masterDownIntervalUs(priority, 1_000_000)).toBe(down);
  });

  it('skew floors (256 − p)·1e6/256 and is independent of advert_int in v2', () => {
    expect(skewTimeUs(100)).toBe(609_375);
    expect(skewTimeUs(150)).toBe(414_062);
    expect(masterDownIntervalUs(100, 3_000_000)).toBe(9_609_375);
    expect(masterDownIntervalUs(100, 2_000_000)).toBe(6_609_375);
  });

  it('skew_min is the priority-255 skew', () => {
    expect(skewMinUs()).toBe(3_906);
  });

  it('down_timer_adverts scales only the interval part', () => {
    expect(masterDownIntervalUs(100, 1_000_000, 1)).toBe(1_609_375);
  });

  it('v3 scales the skew with the master interval (research §2.2)', () => {
    expect(masterDownIntervalUs(100, 3_000_000, 3, 3)).toBe(10_828_125);
    expect(masterDownIntervalUs(100, 500_000, 3, 3)).toBe(1_804_687);
  });
});
