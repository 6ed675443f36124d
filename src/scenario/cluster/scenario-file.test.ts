import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../core/errors.js';
import { parseClusterScenario } from './scenario-file.js';

const parse = (text: string) => parseClusterScenario(text, 'x.scenario', (p) => `/abs/${p}`);

describe('cluster scenario file', () => {
  it('reads configuration, extras, events and expectations', () => {
    const s = parse([
      'name  demo', 'config c.conf', 'seed 7', 'until 90', 'device ipmi1 network ring host n1', 'storage drbd r0 n1 n2 dual-primary fencing resource-and-stonith',
      'service vm:a storage r0', 'io-interval 2', '20 kill n1', 'event 30 heal',
      'expect 40 quorate n2', 'expect 50 service vm:a on n2', 'expect 50 service vm:b stopped', 'expect fenced n1 after 20 before 60 at-least 1',
      'expect never fenced n2', 'expect never corruption', 'expect corruption DRBD r0', 'expect 25 frozen n2',
    ].join('\n'));
    expect(s).toMatchObject({ name: 'demo', configPath: '/abs/c.conf', seed: 7, untilS: 90 });
    expect(s.extras).toMatchObject({ devices: { ipmi1: { network: 'ring', host: 'n1' } }, drbd: [{ name: 'r0', nodes: ['n1', 'n2'], dualPrimary: true, fencing: 'resource-and-stonith' }], serviceStorage: { 'vm:a': 'r0' }, ioIntervalS: 2 });
    expect(s.events).toEqual([{ text: '20 kill n1', line: 9 }, { text: '30 heal', line: 10 }]);
    expect(s.expectations.map((x) => x.kind)).toEqual(['quorate', 'service', 'service', 'fenced', 'never-fenced', 'never-corruption', 'corruption', 'dlm']);
  });

  it.each([
    ['expect 10 flying n1', 2, 11],
    ['storage tape t0', 2, 9],
    ['frobnicate', 2, 1],
    ['expect fenced n1 sometime 3', 2, 18],
    ['until soon', 2, 7],
  ])('%s is a located error', (line, l, c) => {
    try {
      parse(`config c.conf\n${line}\n`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).location).toEqual({ file: 'x.scenario', line: l, column: c });
    }
  });

  it('a scenario without config is refused', () => {
    expect(() => parse('until 10\n')).toThrow(/no 'config FILE' line/);
  });
});
