/**
 * `vrrp-lab/vitest`: a setup file that adds the matchers to vitest's `expect`,
 * and their types to vitest's `Matchers` interface.
 *
 *     // vitest.config.ts
 *     export default defineConfig({ test: { setupFiles: ['vrrp-lab/vitest'] } });
 *     // a test file (or a .d.ts the tsconfig includes), for the types:
 *     import 'vrrp-lab/vitest';
 *
 * Jest users take the framework-neutral ones: `expect.extend(vrrpMatchers)`
 * from 'vrrp-lab/matchers'.
 */
import { expect } from 'vitest';
import type { ClusterAtOption, FencedOptions } from './cluster-matchers.js';
import { vrrpMatchers, type AtOption, type FailoverOptions, type NeverTwoMastersMatcherOptions } from './matchers.js';

expect.extend(vrrpMatchers);

export { vrrpMatchers };

interface VrrpLabMatchers<R = unknown> {
  /** The instance's master is exactly these nodes ([] for none); `{ at }` in seconds, default the end (a live cluster: now). */
  toHaveMaster(instance: string, nodes: string | readonly string[], options?: AtOption): R;
  /** The VIP is configured on exactly these nodes; a trailing `{ at }` picks the time. */
  toHaveVipOn(vip: string, ...nodes: (string | AtOption)[]): R;
  toHavePriority(node: string, instance: string, priority: number, options?: AtOption): R;
  /** A new master within `seconds` of `after` (default: the last fault applied). */
  toFailOverWithin(instance: string, seconds: number, options?: FailoverOptions): R;
  toNeverHaveTwoMasters(options?: NeverTwoMastersMatcherOptions): R;
  /** Every `expect` line of the scenario (VRRP or cluster) held. */
  toPassScenario(): R;
  toBeQuorate(node: string, options?: ClusterAtOption): R;
  toHaveFenced(node: string, options?: FencedOptions): R;
  /** The service runs on exactly this node (undefined: nowhere). */
  toRunServiceOn(service: string, node: string | undefined, options?: ClusterAtOption): R;
  toHaveNoCorruption(): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends VrrpLabMatchers<T> {}
}
