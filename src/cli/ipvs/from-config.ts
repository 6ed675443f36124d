/**
 * `vrrp-lab ipvs pick|explain --config keepalived.conf [--service VIP:PORT]`:
 * the servers, weights, thresholds and scheduler of one `virtual_server` block,
 * as keepalived would hand them to the kernel (real servers added in the order
 * written; weight 1 when not given; lb_algo, else the caller's default).
 *
 * A file with one IPv4 `virtual_server IP PORT` needs no --service; with several,
 * --service picks one and a missing or unknown one is a usage error that lists
 * them. Groups, fwmark services and IPv6 are refused with the reason.
 */
import { loadConfig, type VirtualServer } from '../../config/index.js';
import { UsageError } from '../../core/errors.js';

export interface ConfigServer {
  readonly name: string;
  readonly addr: number;
  readonly weight: number;
  readonly u: number;
  readonly l: number;
}

export interface ConfigService {
  /** `VIP:PORT`, as --service takes it. */
  readonly label: string;
  readonly vip: number;
  readonly scheduler?: string;
  readonly servers: readonly ConfigServer[];
}

export function ipv4ToNumber(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((a, p) => a * 256 + p, 0);
}

function labelOf(vs: VirtualServer): string {
  const t = vs.target;
  if (t.kind === 'address') return `${t.address}:${t.port ?? 0}`;
  return t.kind === 'fwmark' ? `fwmark ${t.fwmark}` : `group ${t.group}`;
}

function chooseService(file: string, services: readonly VirtualServer[], wanted: string | undefined): VirtualServer {
  const labels = services.map(labelOf);
  if (services.length === 0) throw new UsageError(`--config ${file}: no virtual_server block in it`);
  if (wanted === undefined) {
    if (services.length === 1) return services[0]!;
    throw new UsageError(`--config ${file} has ${services.length} virtual_server blocks: choose one with --service (${labels.join(', ')})`);
  }
  const i = labels.indexOf(wanted);
  if (i < 0) throw new UsageError(`--service ${wanted}: no such virtual_server in ${file} (it has ${labels.join(', ')})`);
  return services[i]!;
}

/** The chosen virtual_server of `file` as the kernel's service would hold it. */
export function serviceFromConfig(file: string, wanted: string | undefined): ConfigService {
  const loaded = loadConfig(file);
  const unreadable = loaded.diagnostics.find((d) => d.code === 'file-unreadable' && d.file === file);
  if (unreadable) throw new UsageError(`--config: ${unreadable.message}`);
  const vs = chooseService(file, loaded.model.virtualServers, wanted);
  const label = labelOf(vs);
  const vip = vs.target.kind === 'address' ? ipv4ToNumber(vs.target.address) : undefined;
  if (vip === undefined) throw new UsageError(`virtual_server ${label} (${file}:${vs.loc.line}): only an IPv4 address and port can be replayed here`);
  if (vs.realServers.length === 0) throw new UsageError(`virtual_server ${label} (${file}:${vs.loc.line}) has no real_server`);
  const servers = vs.realServers.map((rs) => {
    const addr = ipv4ToNumber(rs.address);
    if (addr === undefined) throw new UsageError(`real_server ${rs.address} (${file}:${rs.loc.line}): only IPv4 real servers can be replayed here`);
    return { name: `${rs.address}:${rs.port ?? 0}`, addr, weight: rs.weight?.value ?? 1, u: rs.uthreshold?.value ?? 0, l: rs.lthreshold?.value ?? 0 };
  });
  return { label, vip, ...(vs.lbAlgo ? { scheduler: vs.lbAlgo.value } : {}), servers };
}
