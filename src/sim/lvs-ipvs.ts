/**
 * The simulator's DirectorPort over the IPVS model (src/ipvs/director.ts): the
 * one place that knows that API's shape.
 *
 * keepalived's checker asks for `add`, `remove` and `set-weight`; the kernel
 * has add-or-edit (`setRealServer`) and delete (`removeRealServer`), which is
 * how keepalived's ipvswrapper maps them too (inhibit_on_failure is an edit to
 * weight 0). A `remove` of a server the table no longer has is keepalived's
 * "no such destination" error, logged and harmless: it changes nothing here.
 */
import { parseIpv4 } from '../core/ipv4.js';
import type { Instant } from '../core/time.js';
import {
  applySyncMessages,
  createDirector,
  directorNextDeadline,
  directorPacketIn,
  directorPacketOut,
  directorStats,
  directorSyncOut,
  directorTick,
  removeRealServer,
  setRealServer,
  setSyncState,
  type Director,
} from '../ipvs/director.js';
import type { DirectorSpec } from '../ipvs/director-types.js';
import type { DirectorFactory, DirectorPort, IpvsCommand, LvsServerMapping } from './lvs-types.js';

class IpvsDirector implements DirectorPort {
  constructor(private readonly d: Director) {}

  packetIn: DirectorPort['packetIn'] = (packet, now) => directorPacketIn(this.d, packet, now);
  packetOut: DirectorPort['packetOut'] = (packet, now) => directorPacketOut(this.d, packet, now);

  tick(now: Instant): void {
    directorTick(this.d, now);
  }

  nextDeadline(): Instant | undefined {
    return directorNextDeadline(this.d);
  }

  command(command: IpvsCommand, server: LvsServerMapping): void {
    const d = this.d;
    if (command.op === 'remove') {
      const service = d.services.find((s) => s.key === server.directorService);
      if (service?.svc.dests.some((x) => x.name === server.dest)) removeRealServer(d, server.directorService, server.dest);
      return;
    }
    const addr = parseIpv4(command.address) ?? parseIpv4(server.address) ?? 0;
    setRealServer(d, server.directorService, {
      name: server.dest,
      addr,
      port: command.port,
      weight: command.weight,
      method: server.method,
      ...(server.uThreshold === undefined ? {} : { uThreshold: server.uThreshold }),
      ...(server.lThreshold === undefined ? {} : { lThreshold: server.lThreshold }),
    });
  }

  stats: DirectorPort['stats'] = () => directorStats(this.d);

  setSyncState(state: Parameters<DirectorPort['setSyncState']>[0]): void {
    setSyncState(this.d, state);
  }

  takeSync: DirectorPort['takeSync'] = (now) => directorSyncOut(this.d, now);

  applySync(messages: Parameters<DirectorPort['applySync']>[0], now: Instant): void {
    applySyncMessages(this.d, messages, now);
  }
}

/** A fresh IPVS table for a director node (empty of connections; the checkers fill in the real servers). */
export const ipvsDirectorFactory: DirectorFactory = (spec: DirectorSpec, seed: number) => new IpvsDirector(createDirector({ ...spec, seed }));
