/**
 * Shared set-up for the Docker suite: is an engine reachable, and is the node
 * image built? Tests skip with the reason when there is no engine; with an
 * engine, the image is built once (cached by its input hash).
 */
import { connectDocker, dockerAvailability, type Docker } from '../../src/docker/docker-client.js';
import { buildNodeImage } from '../../src/docker/image.js';
import { listLabelled } from '../../src/docker/labels.js';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const availability = await dockerAvailability();
export const skipReason = availability.ok ? undefined : `no Docker engine reachable: ${availability.reason}`;
if (skipReason) console.warn(`[docker suite skipped] ${skipReason}`);

let image: Promise<string> | undefined;
export function nodeImage(): Promise<string> {
  image ??= connectDocker().then(async (docker) => (await buildNodeImage(docker, { progress: (l) => process.env.VRRP_LAB_DEBUG && console.error(l) })).image);
  return image;
}

export async function leftovers(docker?: Docker): Promise<{ containers: string[]; networks: string[] }> {
  return listLabelled(docker ?? (await connectDocker()));
}
