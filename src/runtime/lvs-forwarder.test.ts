/**
 * The lab's forwarder on real sockets, on loopback: a NAT virtual service in
 * front of two lab services, real client connections, real TCP checks.
 * Nothing is mocked: the IPVS model schedules, the checker engine probes, the
 * kernel carries the bytes. Waits poll the events the forwarder writes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { lvsFromConfig } from '../scenario/lvs/from-config.js';
import { serve } from './lab-service.js';
import { Forwarder } from './lvs-forwarder.js';

const VIP = '127.0.0.80';
const RS = { rs1: '127.0.0.31', rs2: '127.0.0.32' } as const;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve((server.address() as { port: number }).port));
  });
}

/** A lab service that can be stopped with its connections, as `rsdown` kills the process. */
function labService(name: string): { server: Server; sockets: Set<Socket>; stop(): void } {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    serve(name, s);
  });
  return { server, sockets, stop: () => (server.close(), sockets.forEach((s) => s.destroy())) };
}

/** Connect through the VIP and say HELLO; resolves to the server's name, or the error code. */
function open(port: number, kept: Socket[], host = VIP): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    kept.push(s);
    s.on('connect', () => s.write('HELLO\n'));
    s.on('data', (d: Buffer) => {
      const m = /^SERVER (\S+)/.exec(d.toString());
      if (m) resolve(m[1] as string);
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.on('end', () => resolve('closed'));
  });
}

async function until(what: string, f: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('lvs-forwarder on loopback (NAT, wlc, TCP_CHECK)', () => {
  const log = join(mkdtempSync(join(tmpdir(), 'vrrp-lab-fwd-')), 'events.log');
  const services = { rs1: labService('rs1'), rs2: labService('rs2') };
  const clients: Socket[] = [];
  let forwarder: Forwarder;
  let vport = 0;
  const lines = (): string[] => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    process.env.LAB_EVENTS_LOG = log;
    const rport = await listen(services.rs1.server, RS.rs1, 0);
    await listen(services.rs2.server, RS.rs2, rport);
    const probe = createServer();
    vport = await listen(probe, VIP, 0);
    await new Promise((r) => probe.close(r));
    const text = `virtual_server ${VIP} ${vport} {
  delay_loop 1
  lb_algo wlc
  lb_kind NAT
  protocol TCP
  real_server ${RS.rs1} ${rport} {
    TCP_CHECK {
      connect_timeout 1
    }
  }
  real_server ${RS.rs2} ${rport} {
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;
    const { sync: _, ...plan } = lvsFromConfig(parseConfig(text, { file: 'lb1.conf' }).model, { name: 'lb1' }).value;
    const names = new Map<string, string>([[RS.rs1, 'rs1'], [RS.rs2, 'rs2']]);
    forwarder = new Forwarder({
      node: 'lb1',
      lvs: { ...plan, servers: plan.servers.map((s) => ({ ...s, realServer: names.get(s.address) ?? s.address })) },
      moved: {},
      seed: 1,
      sampleMs: 100,
    });
    forwarder.listen();
  });

  afterAll(() => {
    forwarder?.close();
    for (const c of clients) c.destroy();
    services.rs1.stop();
    services.rs2.stop();
    delete process.env.LAB_EVENTS_LOG;
  });

  it('spreads open connections evenly over both servers and counts them active', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(await open(vport, clients));
    expect(answers.filter((a) => a === 'rs1')).toHaveLength(5);
    expect(answers.filter((a) => a === 'rs2')).toHaveLength(5);
    await until('the counters', () => lines().some((l) => / lvs-conns \S+ rs1 5 0$/.test(l)) && lines().some((l) => / lvs-conns \S+ rs2 5 0$/.test(l)));
  });

  it('sends nothing more to a server once its TCP check fails', async () => {
    services.rs1.stop();
    await until('rs1 taken out', () => lines().some((l) => / lvs-check \S+ rs1 down /.test(l)));
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await open(vport, clients));
    expect(answers).toEqual(Array(6).fill('rs2'));
    // A deleted real server is no longer listed: its counters read 0.
    await until('rs1 counters at 0', () => lines().some((l) => / lvs-conns \S+ rs1 0 0$/.test(l)));
  });

  it('resets a connection made to the port on an address that is no virtual service', async () => {
    expect(await open(vport, clients, '127.0.0.1')).toBe('ECONNRESET');
  });
});
