// Build (or find) the lab's node image once before the Docker tests: it is
// named by the hash of its inputs, so this is instant when nothing changed.
import { VrrpClusterContainer } from 'vrrp-lab/testcontainers';

export default async function setup(): Promise<void> {
  if (process.env.DOCKER) await VrrpClusterContainer.buildImage({ onProgress: (line) => console.log(line) });
}
