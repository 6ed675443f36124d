import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRawSocket, RawSocketMissingError } from './vrrp-socket.js';

describe('raw-socket for the ts engine', () => {
  it('absent: the daemon says what is missing and what to do, not a module trace', () => {
    const nowhere = createRequire(join(tmpdir(), 'no-such-project', 'daemon.js'));
    expect(() => loadRawSocket(nowhere)).toThrow(RawSocketMissingError);
    expect(() => loadRawSocket(nowhere)).toThrow(/the ts engine needs the native addon raw-socket.*npm install raw-socket.*--engine keepalived/);
  });
});
