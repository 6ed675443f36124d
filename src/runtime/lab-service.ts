/**
 * A real server's service in a lab container: what `rs1` runs on its ports.
 *
 *     node /opt/vrrp-lab/src/runtime/lab-service.js NAME PORT [PORT ...]
 *
 * Theory of operation: one TCP listener per port, on every address. What a
 * connection gets depends on its first line:
 * - `GET ` or `HEAD ` (keepalived's HTTP_GET): an HTTP/1.0 200 response whose
 *   body is "NAME\n", then the connection closes;
 * - anything else (the lab's clients say `HELLO`): the line `SERVER NAME`,
 *   then every line the client sends is answered `ack` — the clients' transfer,
 *   whose answers tell a live server from a gone one;
 * - nothing (TCP_CHECK connects and closes): nothing.
 *
 * SIGTERM (`rsdown`) stops the service the way the simulator's stopped service
 * behaves: every open connection is reset, and the port, with nothing
 * listening, answers new ones with RST.
 *
 * Plain ESM for the image's Node 18.
 */
import { createServer, type Socket } from 'node:net';

const HTTP = /^(GET|HEAD) /;

export function serve(name: string, socket: Socket): void {
  let buffered = '';
  let mode: 'first-line' | 'transfer' | 'done' = 'first-line';
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.end());
  socket.on('data', (chunk: Buffer) => {
    if (mode === 'done') return;
    buffered += chunk.toString('latin1');
    if (mode === 'first-line') {
      if (HTTP.test(buffered)) {
        if (!buffered.includes('\r\n\r\n') && !buffered.includes('\n\n')) return;
        const body = `${name}\n`;
        const head = buffered.startsWith('HEAD ');
        mode = 'done';
        socket.end(`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${head ? '' : body}`);
        return;
      }
      if (!buffered.includes('\n')) return;
      mode = 'transfer';
      socket.write(`SERVER ${name}\n`);
      buffered = buffered.slice(buffered.indexOf('\n') + 1);
    }
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      socket.write('ack\n');
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  });
}

function main(argv: readonly string[]): void {
  const [name, ...portArgs] = argv;
  const ports = portArgs.map(Number);
  if (name === undefined || ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    process.stderr.write('usage: lab-service.js NAME PORT [PORT ...]\n');
    process.exit(2);
  }
  const open = new Set<Socket>();
  const servers = ports.map((port) => {
    const server = createServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      serve(name, socket);
    });
    server.on('error', (e) => {
      process.stderr.write(`lab-service ${name}: port ${port}: ${e.message}\n`);
      process.exit(1);
    });
    server.listen({ port, host: '0.0.0.0', backlog: 1024 });
    return server;
  });
  process.on('SIGTERM', () => {
    for (const server of servers) server.close();
    for (const socket of open) socket.resetAndDestroy();
    setImmediate(() => process.exit(0));
  });
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) main(process.argv.slice(2));
