/**
 * Labels on everything the lab creates, and cleanup by label.
 *
 * Theory of operation: every container and network of a run carries
 * `vrrp-lab.run=<run id>` and `vrrp-lab.owner=<host>:<pid>` of the process that
 * made it. A run removes its own at the end, on failure and on SIGINT/SIGTERM.
 * What a killed process could not remove is found by the next run: objects
 * whose owner is a process of this host that no longer exists are stale and
 * removed. Objects owned by a live process, or by another host sharing the
 * engine, are left alone.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { isNotFound } from './docker-client.js';

export const LABEL_RUN = 'vrrp-lab.run';
export const LABEL_OWNER = 'vrrp-lab.owner';
export const LABEL_NODE = 'vrrp-lab.node';

export const newRunId = (): string => randomBytes(4).toString('hex');
export const ownerLabel = (): string => `${hostname()}:${process.pid}`;

export function labelsFor(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_OWNER]: ownerLabel(), ...extra };
}

/** Whether the owner recorded on an object is a process of this host that has gone. */
export function ownerIsGone(owner: string | undefined, alive: (pid: number) => boolean = processAlive): boolean {
  if (owner === undefined) return false;
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  return !alive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Remove the containers, then the networks, that match a label filter. Returns how many of each. */
async function removeWhere(docker: Docker, labelFilter: string[], keep: (labels: Record<string, string>) => boolean): Promise<{ containers: number; networks: number }> {
  const containers = (await docker.listContainers({ all: true, filters: { label: labelFilter } })).filter((c) => !keep(c.Labels));
  await Promise.all(containers.map((c) => ignoreMissing(docker.getContainer(c.Id).remove({ force: true, v: true }))));
  const networks = (await docker.listNetworks({ filters: { label: labelFilter } })).filter((n) => !keep(n.Labels ?? {}));
  await Promise.all(networks.map((n) => ignoreMissing(docker.getNetwork(n.Id).remove())));
  return { containers: containers.length, networks: networks.length };
}

/** Remove everything one run created. */
export const removeRun = (docker: Docker, runId: string): Promise<{ containers: number; networks: number }> =>
  removeWhere(docker, [`${LABEL_RUN}=${runId}`], () => false);

/** Remove what runs of dead processes of this host left behind. */
export const removeStale = (docker: Docker): Promise<{ containers: number; networks: number }> =>
  removeWhere(docker, [LABEL_RUN], (labels) => !ownerIsGone(labels[LABEL_OWNER]));

/** Everything any run has left (for tests and `image`-less checks). */
export async function listLabelled(docker: Docker): Promise<{ containers: string[]; networks: string[] }> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_RUN] } });
  const networks = await docker.listNetworks({ filters: { label: [LABEL_RUN] } });
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}
