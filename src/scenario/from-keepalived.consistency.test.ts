/**
 * Two readings of keepalived's post-parse corrections must agree: the config
 * layer's `effective` values (what the validator reports) and this module's
 * engine configuration (what the simulator runs). Checked over every real
 * configuration in the repository. The one intended difference: a weighted
 * track_interface in a sync group keeps its weight at run time (keepalived
 * 2.2.7 registers it before zeroing it), while the validator reports the
 * weight keepalived's own message claims to ignore.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { resolveInstances } from './from-keepalived.js';

const root = join(import.meta.dirname, '..', '..');
const configs = [join(root, 'scenarios'), join(root, 'test', 'fixtures', 'keepalived-cases')]
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
  .filter((f) => f.endsWith('.conf'))
  .sort();

describe('mapping agrees with the config layer\'s effective values', () => {
  it('has configurations to compare', () => expect(configs.length).toBeGreaterThan(10));

  for (const file of configs) {
    it(relative(root, file), () => {
      const { model } = parseConfig(readFileSync(file, 'utf8').replaceAll('@RUN@', '/run'), { file });
      const { instances } = resolveInstances(model);
      for (const r of instances) {
        const eff = r.source.effective;
        if (eff === undefined) continue;
        const c = r.config;
        expect({ state: c.initialState, priority: c.priority, advertIntUs: c.advertIntUs, preempt: !c.nopreempt, preemptDelayUs: c.preemptDelayUs }, r.name).toEqual({
          state: eff.state,
          priority: eff.priority,
          advertIntUs: eff.advertIntUs,
          preempt: eff.preempt,
          preemptDelayUs: eff.preemptDelayUs,
        });
        expect(c.trackScripts.map((t) => `${t.script} ${t.weight}`), `${r.name} track_script`).toEqual(eff.trackScripts.map((t) => `${t.name} ${t.weight}`));
        const inGroup = eff.syncGroup !== undefined;
        const ours = c.trackInterfaces.map((t) => `${t.interface} ${inGroup ? '*' : t.weight}`);
        expect(ours, `${r.name} track_interface`).toEqual(eff.trackInterfaces.map((t) => `${t.name} ${inGroup ? '*' : t.weight}`));
      }
    });
  }
});
