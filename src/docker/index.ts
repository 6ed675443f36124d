/**
 * The Docker backend: scenarios on real containers with real keepalived (or
 * this project's engine as a node daemon), behind the Backend port.
 */
export { createDockerBackend, realtimeUs, type DockerBackend, type DockerCluster, type DockerBackendOptions, type DockerStartedCluster, type DockerStoppedCluster, type VipCheck } from './docker-backend.js';
export { dockerNodeConfig, ENGINE_KINDS, type DockerNodeConfig, type NodeEngineKind } from './node-config.js';
export { buildNodeImage, nodeImageTag, requireNodeImage, type BuildResult } from './image.js';
export { connectDocker, dockerAvailability } from './docker-client.js';
export { listLabelled, removeRun, removeStale, LABEL_RUN } from './labels.js';
export { CapabilityMissingError, DockerUnavailableError, ImageBuildError, ImageMissingError, NodeCommandError, SubnetOverlapError } from './errors.js';
