import { describe, expect, it } from 'vitest';
import { parseClientsArgs } from './lab-clients.js';

describe('lab-clients arguments', () => {
  it('reads a load, with the simulator default hold time', () => {
    expect(parseClientsArgs(['--service', '192.0.2.80:2811', '--rate', '4', '--duration', '60'])).toEqual({ host: '192.0.2.80', port: 2811, rate: 4, durationS: 60, holdS: 10 });
    expect(parseClientsArgs(['--service', '192.0.2.80:2811', '--rate', '0.5', '--hold', '20'])).toEqual({ host: '192.0.2.80', port: 2811, rate: 0.5, holdS: 20 });
  });

  it('names what is wrong instead of running a broken load', () => {
    expect(parseClientsArgs(['--rate', '4'])).toBe('--service VIP:PORT is required');
    expect(parseClientsArgs(['--service', 'lb:80', '--rate', '4'])).toBe('--service VIP:PORT is required');
    expect(parseClientsArgs(['--service', '192.0.2.80:2811', '--rate', '-1'])).toMatch(/^--rate/);
    expect(parseClientsArgs(['--service', '192.0.2.80:2811', '--rate', 'x'])).toMatch(/^--rate/);
    expect(parseClientsArgs(['--service', '192.0.2.80:2811', '--rate', '1', '--hold', '-2'])).toMatch(/^--hold/);
    expect(parseClientsArgs(['--service', '192.0.2.80:2811', '--rate', '1', '--bogus', '2'])).toBe("unexpected argument '--bogus'");
    expect(parseClientsArgs(['--service'])).toBe("unexpected argument '--service'");
  });
});
