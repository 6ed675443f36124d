/**
 * The lab's clients in a container: real TCP connections to a virtual service
 * at a rate, each one's fate written to /lab/events.log.
 *
 *     node /opt/vrrp-lab/src/runtime/lab-clients.js --service VIP:PORT --rate N
 *          [--duration S] [--hold S]
 *
 * Theory of operation: connection k starts at k/N s after launch (so `--rate 4
 * --duration 10` opens exactly 40). Each connects to the VIP, says `HELLO`, and
 * is `opened` when the real server's `SERVER NAME` line arrives (see
 * lab-service.ts); it then sends a line every second, each answered `ack`, and
 * after its hold time closes: `completed` when the close completes. Like the
 * simulator's clients, a connect gives up after 15 s (`timed-out`), a reset or
 * close before the server spoke is `refused`, and once open a reset, a close by
 * the other side, 15 s without an answer or a close left unanswered 15 s is
 * `broken`.
 *
 * Lines: `<t> client <outcome> <service> <client ip:port> <server|-> <reason>`.
 *
 * SIGTERM stops new connections (a later `clients` event replaces the load);
 * open ones run their course and the process exits when the last one ends.
 *
 * Plain ESM for the image's Node 18.
 */
import { connect, type Socket } from 'node:net';
import { CLIENT_DATA_INTERVAL_US, CLIENT_DEFAULT_HOLD_US, CLIENT_GIVE_UP_US, type LvsClientOutcome } from '../core/backend.js';
import { recordEvent } from './events-log.js';

const DATA_INTERVAL_MS = CLIENT_DATA_INTERVAL_US / 1000;
const GIVE_UP_MS = CLIENT_GIVE_UP_US / 1000;

export interface ClientsOptions {
  readonly host: string;
  readonly port: number;
  readonly rate: number;
  readonly durationS?: number;
  readonly holdS: number;
}

type Outcome = LvsClientOutcome;

export function parseClientsArgs(argv: readonly string[]): ClientsOptions | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!['--service', '--rate', '--duration', '--hold'].includes(flag) || value === undefined) return `unexpected argument '${flag}'`;
    values.set(flag, value);
  }
  const service = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(values.get('--service') ?? '');
  if (service === null) return '--service VIP:PORT is required';
  const rate = Number(values.get('--rate'));
  const duration = values.has('--duration') ? Number(values.get('--duration')) : undefined;
  const hold = values.has('--hold') ? Number(values.get('--hold')) : CLIENT_DEFAULT_HOLD_US / 1e6;
  if (!(rate >= 0 && rate <= 10_000)) return '--rate must be a number of connections a second, 0 to 10000';
  if (duration !== undefined && !(duration >= 0)) return '--duration must be seconds >= 0';
  if (!(hold >= 0)) return '--hold must be seconds >= 0';
  return { host: service[1] as string, port: Number(service[2]), rate, ...(duration === undefined ? {} : { durationS: duration }), holdS: hold };
}

class Connection {
  private ended = false;
  private opened = false;
  private buffered = '';
  private server = '-';
  private readonly unanswered: number[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly socket: Socket;
  private local = '-';

  constructor(
    private readonly options: ClientsOptions,
    private readonly onEnd: () => void,
  ) {
    this.socket = connect({ host: options.host, port: options.port });
    this.socket.setNoDelay(true);
    this.after(GIVE_UP_MS, () => !this.opened && this.finish('timed-out', `no answer in ${GIVE_UP_MS / 1000} s`));
    this.socket.on('connect', () => {
      this.local = `${this.socket.localAddress}:${this.socket.localPort}`;
      this.socket.write('HELLO\n');
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk.toString('latin1')));
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.finish(this.opened ? 'broken' : 'refused', e.code === 'ECONNRESET' ? 'reset' : e.code === 'ECONNREFUSED' ? 'connection refused' : (e.code ?? e.message)));
    this.socket.on('end', () => this.finish(this.opened ? 'broken' : 'refused', 'closed by the other side'));
    this.socket.on('close', () => this.finish(this.opened ? 'broken' : 'refused', 'closed'));
  }

  private after(ms: number, f: () => void): void {
    this.timers.push(setTimeout(f, ms));
  }

  private onData(text: string): void {
    this.buffered += text;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      newline = this.buffered.indexOf('\n');
      if (!this.opened && line.startsWith('SERVER ')) this.open(line.slice('SERVER '.length).trim() || '-');
      else if (line === 'ack') this.unanswered.shift();
    }
  }

  private open(server: string): void {
    this.opened = true;
    this.server = server;
    this.record('opened', 'connected');
    const tick = setInterval(() => {
      const oldest = this.unanswered[0];
      if (oldest !== undefined && Date.now() - oldest >= GIVE_UP_MS) return this.finish('broken', `no answer for ${GIVE_UP_MS / 1000} s`);
      this.unanswered.push(Date.now());
      this.socket.write('data\n');
    }, DATA_INTERVAL_MS);
    this.timers.push(tick);
    this.after(this.options.holdS * 1000, () => {
      clearInterval(tick);
      // The close completes when the other side closes too; until then the transfer is not done.
      this.socket.removeAllListeners('end');
      this.socket.removeAllListeners('close');
      this.socket.on('end', () => undefined);
      this.socket.on('close', (hadError) => this.finish(hadError ? 'broken' : 'completed', hadError ? 'reset while closing' : 'closed after its hold time'));
      this.socket.end();
      this.after(GIVE_UP_MS, () => this.finish('broken', `close unanswered for ${GIVE_UP_MS / 1000} s`));
    });
  }

  private finish(outcome: Outcome, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    this.record(outcome, reason);
    this.socket.destroy();
    this.onEnd();
  }

  private record(outcome: Outcome, reason: string): void {
    recordEvent(`client ${outcome} ${this.options.host}:${this.options.port} ${this.local} ${this.server} ${reason}`);
  }
}

export function runClients(options: ClientsOptions): void {
  let open = 0;
  let stopped = false;
  const started = Date.now();
  const total = options.durationS === undefined ? Infinity : Math.round(options.durationS * options.rate);
  let k = 0;
  const exitWhenIdle = (): void => {
    if (stopped && open === 0) process.exit(0);
  };
  const next = (): void => {
    if (stopped) return;
    if (k >= total || options.rate === 0) {
      stopped = true;
      return exitWhenIdle();
    }
    open++;
    new Connection(options, () => {
      open--;
      exitWhenIdle();
    });
    k++;
    setTimeout(next, Math.max(0, started + Math.round((k * 1000) / options.rate) - Date.now()));
  };
  process.on('SIGTERM', () => {
    stopped = true;
    exitWhenIdle();
  });
  next();
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const parsed = parseClientsArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`lab-clients: ${parsed}\n`);
    process.exit(2);
  }
  runClients(parsed);
}
