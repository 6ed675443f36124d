/**
 * `vrrp-lab image build|status`: the lab node image the Docker backend runs.
 */
import type { Command } from 'commander';
import { isVrrpLabError, UsageError } from '../../core/errors.js';
import { connectDocker } from '../../docker/docker-client.js';
import { buildNodeImage, imageExists, nodeImageTag } from '../../docker/image.js';
import type { CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';

/** sysexits EX_UNAVAILABLE: the machine lacks what the command needs (Docker, debootstrap). */
export const EXIT_UNAVAILABLE = 69;

/** Environment errors (typed, with their fix) are printed as such, not as bugs. */
export function reportEnvironmentError(e: unknown, write: (s: string) => void, json: boolean, stdout: (s: string) => void): number {
  if (!isVrrpLabError(e) || e instanceof UsageError) throw e;
  write(`vrrp-lab: error [${e.code}]: ${e.message}\n`);
  if (json) stdout(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
  return EXIT_UNAVAILABLE;
}

export const imageCommand: CliCommand = {
  usage: 'image <action>',
  summary: 'build (or show) the Docker image lab nodes run: keepalived, network tools, our node daemon',
  description: `Actions:
  build    build the node image unless one for the current inputs exists
           (Dockerfile.node, docker/, the compiled daemon, package-lock.json).
           Where no image registry is reachable, the Debian base image is made
           locally with debootstrap (which must be installed) and docker import.
  status   print the image name for the current inputs and whether it exists.

Exit status: 0 ok, 2 usage error, 69 Docker (or debootstrap) unavailable.`,
  examples: [
    { args: 'image build', explain: 'build the node image for `vrrp-lab run --backend docker` (cached by input hash)' },
    { args: 'image status --json', explain: 'the image name and whether it is built' },
  ],
  define(cmd: Command) {
    cmd.option('--force', 'rebuild even when the image exists');
  },
  async run({ args, options }, { io, json }) {
    const action = args[0];
    if (action !== 'build' && action !== 'status') throw new UsageError(`unknown action '${String(action)}': expected build or status`);
    try {
      const docker = await connectDocker();
      if (action === 'status') {
        const image = nodeImageTag();
        const built = await imageExists(docker, image);
        io.stdout.write(json ? `${JSON.stringify({ image, built })}\n` : `${image} ${built ? 'built' : 'not built (run `vrrp-lab image build`)'}\n`);
        return EXIT_OK;
      }
      const result = await buildNodeImage(docker, { force: options['force'] === true, progress: (line) => io.stderr.write(`  ${line}\n`) });
      const summary = result.built ? `built ${result.image} in ${result.seconds.toFixed(1)} s (base ${result.baseImage})` : `${result.image} is up to date`;
      io.stdout.write(json ? `${JSON.stringify(result)}\n` : `${summary}\n`);
      return EXIT_OK;
    } catch (e) {
      return reportEnvironmentError(e, (s) => io.stderr.write(s), json, (s) => io.stdout.write(s));
    }
  },
};
