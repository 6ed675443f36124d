/**
 * keepalived's load-time corrections have one reading, `effectiveInstance`:
 * the validator stores it in the model (with its findings) and the engine
 * mapping (src/scenario/from-keepalived.ts) reads it. Over every real
 * configuration in the repository, the reading without findings is the one
 * the validator stored; and a few corrections, case by case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../index.js';
import { effectiveInstance } from './vrrp-instances.js';

const root = join(import.meta.dirname, '..', '..', '..');
const configs = [join(root, 'scenarios'), join(root, 'test', 'fixtures', 'keepalived-cases')]
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
  .filter((f) => f.endsWith('.conf'))
  .sort();

const parse = (text: string) => parseConfig(text, { file: 'k.conf' }).model;
const effective = (text: string) => {
  const model = parse(text);
  const inst = model.vrrpInstances[0];
  if (inst === undefined) throw new Error('no instance');
  return effectiveInstance(inst, model);
};
const instance = (body: string): string => `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n${body}\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n`;

describe('effectiveInstance: one reading of keepalived\'s corrections', () => {
  it('has configurations to read', () => expect(configs.length).toBeGreaterThan(10));

  it('gives every real configuration the values the validator stored', () => {
    for (const file of configs) {
      const model = parseConfig(readFileSync(file, 'utf8').replaceAll('@RUN@', '/run'), { file }).model;
      for (const inst of model.vrrpInstances) {
        if (inst.effective === undefined) continue;
        const g = model.syncGroups.find((x) => x.name === inst.effective?.syncGroup);
        const group = g === undefined ? undefined : { name: g.name, trackingWeight: g.syncGroupTrackingWeight?.value ?? false };
        expect(effectiveInstance(inst, model, group), `${relative(root, file)} ${inst.name}`).toEqual(inst.effective);
      }
    }
  });

  it('applies the corrections: defaults, owner rules, preemption, advert_int, GARP repeats', () => {
    expect(effective(instance(' state MASTER'))).toMatchObject({ state: 'MASTER', priority: 255 });
    expect(effective(instance(' priority 255'))).toMatchObject({ state: 'MASTER', priority: 255 });
    // an unknown state word is BACKUP, even for an owner
    expect(effective(instance(' state EQUAL\n priority 255'))).toMatchObject({ state: 'BACKUP', priority: 255 });
    expect(effective(instance(' state MASTER\n priority 150\n nopreempt\n preempt_delay 5'))).toMatchObject({ preempt: true, preemptDelayUs: 0 });
    expect(effective(instance(' state BACKUP\n priority 255\n nopreempt'))).toMatchObject({ preempt: true });
    expect(effective(instance(' state BACKUP\n nopreempt\n preempt_delay 5'))).toMatchObject({ preempt: false, preemptDelayUs: 0 });
    expect(effective(instance(' advert_int 1.5'))).toMatchObject({ advertIntUs: 2_000_000 });
    expect(effective(instance(' garp_master_repeat 0'))).toMatchObject({ garpMasterRepeat: 1, garpLowerPrioRepeat: 1 });
  });
});
