import { describe, expect, it, vi } from 'vitest';
import { captureIo } from '../../src/cli/io.js';

vi.mock('../../src/cli/validate/run-validation.js', () => ({
  validatePaths: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")),
}));

const { main } = await import('../../src/cli/main.js');

describe('an unexpected exception', () => {
  it('is reported as a bug with exit status 70 and no stack trace', async () => {
    const io = captureIo();
    const code = await main(['validate', 'any.conf'], io);
    expect(code).toBe(70);
    expect(io.err()).toContain("vrrp-lab: internal error (this is a bug): Cannot read properties of undefined (reading 'x')");
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('shows the stack when VRRP_LAB_DEBUG is set', async () => {
    const io = captureIo({ env: { VRRP_LAB_DEBUG: '1' } });
    expect(await main(['validate', 'any.conf'], io)).toBe(70);
    expect(io.err()).toMatch(/\n\s+at /);
  });
});
