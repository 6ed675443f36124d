/**
 * What `vrrp-lab simulate` does with what it cannot run yet, and the LVS and
 * VMAC behaviour the new-user trial found wrong (issue 11, item 4), rerun
 * through the command itself.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const FIX = 'test/cli/fixtures/fidelity';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('simulate refuses what it cannot run, at the line that asks for it', () => {
  it('VRRPv3 in the instance or in global_defs: file:line:col, exit 2 (trial F6)', async () => {
    const r = await run('simulate', '--node', `a=${FIX}/v3.conf`, '--node', `b=${FIX}/global-v3.conf`, '--until', '5', '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${FIX}/v3.conf:7:13: error[simulate-vrrp-v3-unsupported]: (VI_1) VRRP version 3 is not simulated`);
    expect(r.err).toContain(`${FIX}/global-v3.conf:3:18: error[simulate-vrrp-v3-unsupported]`);
    expect(r.err).not.toContain('error[vrrp-version-unsupported]');
    expect(r.out).not.toContain('BACKUP → MASTER');
  });

  it('an IPv6 instance: file:line:col, exit 2', async () => {
    const r = await run('simulate', '--node', `a=${FIX}/v6.conf`, '--until', '5', '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${FIX}/v6.conf:2:1: error[simulate-ipv6-unsupported]`);
  });
});
