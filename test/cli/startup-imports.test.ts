/**
 * What `vrrp-lab --help` and `vrrp-lab validate FILE` load: neither may import the
 * Docker client or the simulator (issue 11.5: a command starts as fast as what it
 * needs). Each heavy module is replaced by a mock that records being imported;
 * vitest gives every test file its own module graph, so nothing here was loaded
 * before. How long start-up takes is measured by `npm run bench` (startup), not here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const loaded = vi.hoisted(() => new Set<string>());

vi.mock('dockerode', () => (loaded.add('dockerode'), { default: class {} }));
vi.mock('testcontainers', () => (loaded.add('testcontainers'), {}));
vi.mock('../../src/docker/docker-client.js', () => (loaded.add('src/docker/docker-client'), {}));
vi.mock('../../src/docker/docker-backend.js', () => (loaded.add('src/docker/docker-backend'), {}));
vi.mock('../../src/sim/simulation.js', () => (loaded.add('src/sim/simulation'), {}));
vi.mock('../../src/sim/sim-backend.js', () => (loaded.add('src/sim/sim-backend'), {}));
vi.mock('../../src/lab/simulate.js', () => (loaded.add('src/lab/simulate'), {}));
vi.mock('../../src/ipvs/director.js', () => (loaded.add('src/ipvs/director'), {}));

const CONF = fileURLToPath(new URL('../../scenarios/classic/prio150.conf', import.meta.url));

describe('start-up loads only what the command needs', () => {
  it('`--help` and `validate FILE` import neither the Docker client nor the simulator', async () => {
    const help = captureIo();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Commands:');
    const validate = captureIo();
    expect(await main(['validate', CONF], validate)).toBe(0);
    expect(validate.out()).toContain('1 file checked: 0 errors');
    expect([...loaded]).toEqual([]);
  });

  it('the mocks do see a command that needs them (the check can fail)', async () => {
    const io = captureIo();
    await main(['simulate', '--node', `a=${CONF}`, '--until', '1'], io);
    expect([...loaded]).toContain('src/lab/simulate');
  });
});
