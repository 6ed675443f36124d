// The failover rules of the web VIP, checked in virtual time on every push:
// milliseconds per scenario, exact to the microsecond, the same seed every run.
import { describe, expect, it } from 'vitest';
import { simulate } from 'vrrp-lab';

describe('web VIP failover (simulated)', () => {
  it('lb2 takes the VIP within 3.6 s of lb1 crashing, and lb1 takes it back when it returns', async () => {
    const result = await simulate('scenarios/failover.scenario');
    expect(result).toHaveMaster('VI_WEB', 'lb1', { at: 5 });
    expect(result).toFailOverWithin('VI_WEB', 3.6, { after: 6, to: 'lb2' });
    expect(result).toHaveVipOn('192.0.2.80', 'lb2', { at: 10 });
    expect(result).toHaveVipOn('192.0.2.80', 'lb1');
    expect(result).toNeverHaveTwoMasters();
  });

  it("a failing haproxy check costs lb1 60 priority points: 90 < lb2's 120", async () => {
    const result = await simulate('scenarios/check-fails.scenario');
    expect(result).toHavePriority('lb1', 'VI_WEB', 90, { at: 8 });
    expect(result).toPassScenario();
  });
});
