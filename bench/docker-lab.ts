/**
 * Figures for `npm run bench`: how fast the Docker lab is and how close it runs
 * to the simulator's prediction.
 *
 * `benchDockerLab({ nodes: 12 })` builds (or finds) the node image, starts an
 * N-node keepalived cluster on one segment (priorities 200, 199, …), kills the
 * master at 5 s and reports: the image build time, the time from `start()` to
 * all nodes up, the measured failover (kill → new master) against the
 * simulator's prediction of the same scenario, and the gap between them.
 */
import { kill } from '../src/scenario/events.js';
import { keepalivedParser } from '../src/scenario/keepalived-parser.js';
import { runScenario } from '../src/scenario/run.js';
import { configText, scenario } from '../src/scenario/scenario.js';
import { simulate } from '../src/lab/simulate.js';
import type { Timeline } from '../src/scenario/timeline.js';
import { prepareScenario } from '../src/scenario/topology.js';
import { createDockerBackend } from '../src/docker/docker-backend.js';
import { connectDocker } from '../src/docker/docker-client.js';
import { buildNodeImage } from '../src/docker/image.js';
import type { NodeEngineKind } from '../src/docker/node-config.js';

export interface DockerLabFigures {
  readonly nodes: number;
  readonly engine: NodeEngineKind;
  readonly imageSeconds: number;
  readonly imageBuilt: boolean;
  readonly startupSeconds: number;
  readonly failoverSeconds: number | null;
  readonly predictedFailoverSeconds: number | null;
  /** measured − predicted, seconds: the figure to drive down. */
  readonly gapSeconds: number | null;
}

const KILL_AT_S = 5;

const conf = (priority: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

function takeover(tl: Timeline, afterUs: number): number | null {
  const t = tl.transitions.find((x) => x.to === 'MASTER' && x.at > afterUs && x.node !== 'n1');
  return t === undefined ? null : (t.at - afterUs) / 1e6;
}

export async function benchDockerLab(options: { readonly nodes?: number; readonly engine?: NodeEngineKind; readonly log?: (line: string) => void } = {}): Promise<DockerLabFigures> {
  const count = options.nodes ?? 2;
  const engine = options.engine ?? 'keepalived';
  const docker = await connectDocker();
  const image = await buildNodeImage(docker, { progress: options.log ?? (() => undefined) });
  let s = scenario(`${count}-node failover`);
  for (let i = 1; i <= count; i++) s = s.node(`n${i}`, configText(`n${i}.conf`, conf(201 - i)));
  const built = s.at(KILL_AT_S, kill('n1')).until(KILL_AT_S + 6).seed(1).build();
  const prepared = prepareScenario(built, { parse: keepalivedParser });
  const predicted = await simulate(prepared, { parse: keepalivedParser, seed: 1 });
  let startupSeconds = 0;
  const real = await runScenario(prepared, createDockerBackend({ docker, image: image.image, engine }), {
    beforeStop: (c) => void (startupSeconds = c.capability('startup-time')?.startupSeconds ?? 0),
  });
  const failoverSeconds = takeover(real.timeline, KILL_AT_S * 1e6);
  const predictedFailoverSeconds = takeover(predicted.run.timeline, KILL_AT_S * 1e6);
  return {
    nodes: count,
    engine,
    imageSeconds: image.seconds,
    imageBuilt: image.built,
    startupSeconds,
    failoverSeconds,
    predictedFailoverSeconds,
    gapSeconds: failoverSeconds === null || predictedFailoverSeconds === null ? null : Math.round((failoverSeconds - predictedFailoverSeconds) * 1e6) / 1e6,
  };
}
