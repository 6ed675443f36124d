import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { backendName, engineName, openBackend } from './backends.js';

describe('the backend registry', () => {
  it('names the backends and engines it knows when given another (a usage error, exit 2)', () => {
    expect(backendName('docker')).toBe('docker');
    expect(() => backendName('vbox')).toThrow(new UsageError("unknown backend 'vbox': expected sim or docker"));
    expect(() => engineName('bird')).toThrow(new UsageError("unknown engine 'bird': expected keepalived or ts"));
  });

  it('opens the simulator with the capture capability only when asked', async () => {
    const plain = await openBackend({ name: 'sim' });
    const capturing = await openBackend({ name: 'sim', capture: true });
    expect(plain.name).toBe('sim');
    expect(plain.capabilities.has('capture')).toBe(false);
    expect(capturing.capabilities.has('capture')).toBe(true);
  });
});
