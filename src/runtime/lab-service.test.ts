/** The real servers' service on loopback: what keepalived's checks and the lab's clients get from it. */
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './lab-service.js';

function exchange(port: number, send: string, until: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const s = connect({ host: '127.0.0.1', port }, () => s.write(send));
    s.on('data', (d: Buffer) => {
      text += d.toString();
      if (until(text)) {
        s.destroy();
        resolve(text);
      }
    });
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

describe('lab-service', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((s) => serve('rs1', s));
    await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => void server.close());

  it('answers an HTTP GET with 200 and its name, then closes (HTTP_GET checks)', async () => {
    const text = await exchange(port, 'GET /health HTTP/1.0\r\nHost: x\r\n\r\n', () => false);
    expect(text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(text.endsWith('\r\n\r\nrs1\n')).toBe(true);
  });

  it('names itself to a client and answers each line it sends', async () => {
    const text = await exchange(port, 'HELLO\ndata\ndata\n', (t) => t.split('\n').length > 3);
    expect(text).toBe('SERVER rs1\nack\nack\n');
  });
});
