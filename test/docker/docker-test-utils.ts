/**
 * Shared set-up for the Docker suite: is an engine reachable, and is the node
 * image built? Tests skip with the reason when there is no engine; with an
 * engine, the image is built once (cached by its input hash).
 */
import { connectDocker, dockerAvailability, type Docker } from '../../src/docker/docker-client.js';
import { buildNodeImage } from '../../src/docker/image.js';
import { listLabelled } from '../../src/docker/labels.js';
import { kill, start } from '../../src/scenario/events.js';
import { configText, scenario, type Scenario } from '../../src/scenario/scenario.js';

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

/** One node's config for the two-node cases: VRID 51, VIP 192.0.2.100/24, plus `extra` lines in the instance. */
export const twoNodeConf = (priority: number, extra = ''): string => `
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
${extra}    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

/** lb1 (150) is killed at 6 s and started again at 11 s; lb2 (100) covers in between. */
export function crashAndReturn(name: string, extra = ''): Scenario {
  return scenario(name)
    .node('lb1', configText('lb1.conf', twoNodeConf(150, extra)))
    .node('lb2', configText('lb2.conf', twoNodeConf(100, extra)))
    .at(6, kill('lb1'))
    .at(11, start('lb1'))
    .until(17)
    .seed(1)
    .build();
}
