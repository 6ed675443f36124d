import { describe, expect, it } from 'vitest';
import { addDest, delDest, editDest } from '../service.js';
import { picks, serviceOf } from '../ipvs.test-utils.js';

describe('rr', () => {
  it('starts at the last added and cycles in list order', () => {
    expect(picks(serviceOf('rr', 'a:1', 'b:1', 'c:1'), 4).join('')).toBe('cbac');
  });
  it('deleting the server under the cursor continues with the one after it', () => {
    const svc = serviceOf('rr', 'a:1', 'b:1', 'c:1');
    expect(picks(svc, 2).join('')).toBe('cb');
    delDest(svc, 'b');
    expect(picks(svc, 2).join('')).toBe('ac');
  });
  it('a new server (at the head) is reached after the next wrap; weight 0 is skipped', () => {
    const svc = serviceOf('rr', 'a:1', 'b:1');
    expect(picks(svc, 1)).toEqual(['b']);
    addDest(svc, { name: 'c', addr: 99, port: 80, weight: 1 });
    editDest(svc, 'a', { weight: 0 });
    expect(picks(svc, 3).join('')).toBe('cbc');
  });
});
