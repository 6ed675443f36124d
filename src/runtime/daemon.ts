/**
 * The node daemon: this project's VRRP engine (src/vrrp) running for real in a
 * lab container, driven by core/host.ts with a wall clock.
 *
 *     node /opt/vrrp-lab/src/runtime/daemon.js /lab/vrrp.json
 *     node /opt/vrrp-lab/src/runtime/daemon.js --standby /lab/vrrp.json
 *
 * With --standby the daemon loads and waits for SIGUSR2 before it reads its
 * config and starts the engine (standby.ts), so a `start` event starts the
 * engine as promptly as it starts keepalived.
 *
 * Theory of operation: the engine is the same pure state machine the simulator
 * runs; this file only supplies its ports —
 * - clock: microseconds since the daemon started (performance.now());
 * - alarm: one setTimeout, re-armed whenever the next deadline changes;
 * - transport: a raw socket per interface (vrrp-socket.ts);
 * - effects: `ip addr`, arping, the vrrp_script stub (system.ts);
 * - link state: /sys flags, polled every LINK_POLL_MS.
 * Each transition is appended to /lab/events.log in the notify hook's format
 * (so the lab observes our engine and keepalived the same way) and every
 * notification is printed on stdout as one JSON line.
 *
 * Plain ESM for the image's Node 18: no newer APIs here or in src/core, src/vrrp.
 */
import { readFileSync } from 'node:fs';
import { Host } from '../core/host.js';
import { instant, type Instant } from '../core/time.js';
import { vrrpEngine, type VrrpInput, type VrrpNodeConfig, type VrrpNodeState, type VrrpOutput } from '../vrrp/index.js';
import { recordEvent } from './events-log.js';
import { runNowOrOnSignal } from './standby.js';
import { changeAddress, gratuitousArp, linkIsUp, runScript } from './system.js';
import { openVrrpSocket, type VrrpSocket } from './vrrp-socket.js';

const LINK_POLL_MS = 50;
const SCRIPT_STUB = '/lab/bin/script-stub';

export interface DaemonConfig {
  readonly vrrp: VrrpNodeConfig;
  /** vrrp_script name → shell command (default: the lab's stub for that script). */
  readonly scripts?: Readonly<Record<string, string>>;
}

let startedAt = performance.now();
const now = (): Instant => instant(Math.round((performance.now() - startedAt) * 1000));

const emit = (record: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ t: now() / 1e6, ...record })}\n`);

/**
 * The engine's alarm on the wall clock. A deadline fires from the check phase
 * (setImmediate), after the poll phase has read what the sockets hold: an
 * advert that arrived before the deadline is taken before it, as keepalived's
 * scheduler reads ready sockets before it runs expired timers. The engine
 * ignores a wake-up that is no longer due.
 */
class WallAlarm {
  private timer: NodeJS.Timeout | undefined;
  fire: () => void = () => undefined;

  wakeAt(at: Instant | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = at === undefined ? undefined : setTimeout(() => setImmediate(() => this.fire()), Math.max(0, Math.ceil((at - now()) / 1000)));
  }
}

function perform(config: DaemonConfig, sockets: ReadonlyMap<string, VrrpSocket>, deliver: (i: VrrpInput) => void, o: VrrpOutput): void {
  switch (o.kind) {
    case 'send-advertisement':
      sockets.get(o.interface)?.send(o.bytes, o.destination);
      return;
    // Commands run from the event loop's check phase: an advert of the same step
    // has left already (vrrp-socket.ts sends in the call), so the `ip` and
    // `arping` forks (milliseconds each) never hold back the advert that tells
    // the other routers there is a new master.
    case 'send-gratuitous-arp':
      setImmediate(() => gratuitousArp(o.address, o.interface));
      return;
    case 'add-address':
    case 'remove-address':
      setImmediate(() => changeAddress(o.kind === 'add-address' ? 'add' : 'del', o.address, o.prefixLength, o.interface, (code) => code !== 0 && emit({ kind: 'address-failed', action: o.kind, address: o.address, exitCode: code })));
      return;
    case 'run-script': {
      const script = config.vrrp.scripts.find((s) => s.name === o.script);
      const timeoutMs = Math.max(1, (script?.timeoutUs || script?.intervalUs || 1_000_000) / 1000);
      void runScript(config.scripts?.[o.script] ?? `${SCRIPT_STUB} ${o.script}`, timeoutMs).then((exitCode) => deliver({ kind: 'script-result', script: o.script, exitCode }));
      return;
    }
    case 'transitioned':
      recordEvent(`notify ${config.vrrp.node} ${o.instance} ${o.to} ${o.priority}`);
      emit({ kind: o.kind, instance: o.instance, from: o.from, to: o.to, priority: o.priority, reason: o.reason });
      return;
    case 'priority-changed':
      // The same line keepalived's priority changes make through the lab's FIFO reader.
      recordEvent(`prio ${config.vrrp.node} ${o.instance} ${o.to}`);
      emit({ ...o });
      return;
    case 'dropped':
      if (o.reason.code !== 'own-packet') emit({ kind: o.kind, interface: o.interface, reason: o.reason });
      return;
    default:
      emit({ ...o });
  }
}

export async function runDaemon(config: DaemonConfig): Promise<void> {
  const sockets = new Map<string, VrrpSocket>();
  const alarm = new WallAlarm();
  // Packets may arrive while the sockets of later interfaces open: hold them until the engine exists.
  const ref: { host?: Host<VrrpNodeConfig, VrrpNodeState, VrrpInput, VrrpOutput> } = {};
  const pending: VrrpInput[] = [];
  const deliver = (input: VrrpInput): void => (ref.host ? ref.host.deliver(input) : void pending.push(input));
  for (const i of config.vrrp.interfaces) {
    sockets.set(i.name, await openVrrpSocket(i.name, i.address, (bytes) => deliver({ kind: 'packet', interface: i.name, bytes }), (e) => emit({ kind: 'socket-error', interface: i.name, message: e.message })));
  }
  const links = new Map(config.vrrp.interfaces.map((i) => [i.name, linkIsUp(i.name)]));
  const interfaces = config.vrrp.interfaces.map((i) => ({ ...i, up: links.get(i.name) }));
  const host = new Host(vrrpEngine, { ...config.vrrp, interfaces }, { clock: { now }, alarm, perform: (o: VrrpOutput) => perform(config, sockets, deliver, o) });
  ref.host = host;
  alarm.fire = () => host.fire();
  for (const input of pending.splice(0)) host.deliver(input);
  setInterval(() => {
    for (const [name, was] of links) {
      const up = linkIsUp(name);
      if (up !== was) {
        links.set(name, up);
        deliver({ kind: 'link', interface: name, up });
      }
    }
  }, LINK_POLL_MS);
  process.on('SIGTERM', () => {
    deliver({ kind: 'shutdown' });
    // Let the priority-0 adverts go and the VIPs be removed, then leave.
    setTimeout(() => process.exit(0), 300);
  });
  emit({ kind: 'started', node: config.vrrp.node });
}

function main(path: string): void {
  startedAt = performance.now();
  runDaemon(JSON.parse(readFileSync(path, 'utf8')) as DaemonConfig).catch((e: unknown) => {
    emit({ kind: 'fatal', message: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  });
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  runNowOrOnSignal('daemon', process.argv.slice(2), 'daemon.js [--standby] CONFIG.json', ([path]) => main(path as string));
}
