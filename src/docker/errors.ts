/**
 * Environment failures of the Docker backend. Each names what is wrong and how
 * to fix it, and carries a stable `code` (tests and the CLI match on it).
 * They are never bugs in a scenario: a scenario that runs on the simulator is
 * fine; the machine is not ready to run it on containers.
 */
import { VrrpLabError } from '../core/errors.js';

/** No Docker engine answers on the socket. */
export class DockerUnavailableError extends VrrpLabError {
  readonly code = 'docker-unavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `no Docker engine is reachable (${detail}). Start one (e.g. \`apt-get install docker.io && dockerd &\`) ` +
        'or point DOCKER_HOST at one; `docker info` must work',
      options,
    );
  }
}

/** The node image for the current inputs has not been built. */
export class ImageMissingError extends VrrpLabError {
  readonly code = 'image-missing';
  constructor(readonly image: string) {
    super(`the lab node image ${image} is not built: run \`vrrp-lab image build\` first`);
  }
}

/** Building the node image (or its base) failed. */
export class ImageBuildError extends VrrpLabError {
  constructor(
    readonly code: 'image-build-failed' | 'debootstrap-missing' | 'daemon-not-built' | 'base-image-failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A container lacks a capability the lab needs (NET_ADMIN, NET_RAW), e.g. under rootless or restricted engines. */
export class CapabilityMissingError extends VrrpLabError {
  readonly code = 'capability-missing';
  constructor(readonly node: string, detail: string) {
    super(
      `node ${node}: the container cannot configure its network (${detail}). The lab needs containers with ` +
        'cap_add NET_ADMIN and NET_RAW on a rootful Docker engine; check that no policy (userns-remap, rootless, ' +
        'an authorization plugin) strips capabilities',
    );
  }
}

/** A lab network would overlap a route the host uses: creating it could cut the host off its own network. */
export class SubnetOverlapError extends VrrpLabError {
  readonly code = 'subnet-overlaps-host-route';
  constructor(readonly subnet: string, readonly route: string) {
    super(
      `refusing to create lab network ${subnet}: it overlaps the host route ${route}, and a bridge on it could cut ` +
        'this machine off its network. Give the nodes addresses in another range (e.g. NAME=FILE@198.51.100.11, ' +
        'or VIPs in 192.0.2.0/24 / 198.51.100.0/24)',
    );
  }
}

/** Something inside a node did not work as the backend expected (a command failed). */
export class NodeCommandError extends VrrpLabError {
  readonly code = 'node-command-failed';
  constructor(readonly node: string, readonly command: string, readonly exitCode: number, readonly output: string) {
    super(`node ${node}: \`${command}\` exited ${exitCode}: ${output.trim().slice(0, 400)}`);
  }
}
