import { describe, expect, it } from 'vitest';
import { formatEvent, parseEventLine, parseSeconds, sortEvents, type ScenarioEvent } from './events.js';

const ctx = { file: 'x.scenario', line: 3, nodes: ['lb1', 'lb2', 'lb3'] };

function parsed(line: string): ScenarioEvent {
  const r = parseEventLine(line, ctx);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.value;
}

function errors(line: string): { code: string; column?: number; message: string }[] {
  const r = parseEventLine(line, ctx);
  if (r.ok) throw new Error(`expected '${line}' to be rejected`);
  return r.diagnostics.map((d) => ({ code: d.code, column: d.column, message: d.message }));
}

describe('event words', () => {
  it('parses times exactly in microseconds, without float rounding', () => {
    expect(parseSeconds('6')).toBe(6_000_000);
    expect(parseSeconds('3.609375')).toBe(3_609_375);
    expect(parseSeconds('0.000001')).toBe(1);
    expect(parseSeconds('0.1')).toBe(100_000);
    expect(parseSeconds('1.0000001')).toBeUndefined();
    expect(parseSeconds('-1')).toBeUndefined();
    expect(parseSeconds('6s')).toBeUndefined();
  });

  it('reads scientific notation from its digits, exactly, as plain seconds', () => {
    expect(parseSeconds('1e3')).toBe(1_000_000_000);
    expect(parseSeconds('2.5e1')).toBe(25_000_000);
    expect(parseSeconds('1.234567e1')).toBe(12_345_670);
    expect(parseSeconds('1.2345678e1')).toBe(12_345_678);
    expect(parseSeconds('1.23456789e1')).toBeUndefined(); // 7 decimals left
    expect(parseSeconds('1e-3')).toBeUndefined();
    expect(parseSeconds('1e9')).toBe(parseSeconds('1000000000'));
  });

  it('names the longest run when a time is too large to be one, and the form otherwise', () => {
    expect(errors('99999999999999999999 kill lb1')[0]?.message).toBe("time '99999999999999999999' is beyond the longest run, 604800 s (7 days)");
    expect(errors('1e30 kill lb1')[0]?.message).toContain('beyond the longest run');
    expect(errors('1x kill lb1')[0]?.message).toContain("bad time '1x'");
  });

  it('refuses a client rate above the limit, naming it', () => {
    expect(errors('5 clients 100000 10')[0]).toMatchObject({ code: 'event-rate-too-high', column: 11, message: 'rate 100000 is above the limit of 1000 new connections a second' });
    expect(parsed('5 clients 1000 10').event).toMatchObject({ kind: 'clients', rate: 1000 });
  });

  it.each([
    ['6 kill lb1', { kind: 'kill', node: 'lb1' }],
    ['11 start lb1', { kind: 'start', node: 'lb1' }],
    ['2 stop lb2', { kind: 'stop', node: 'lb2' }],
    ['5 fail lb1 chk_nginx', { kind: 'fail', node: 'lb1', script: 'chk_nginx' }],
    ['5 ok lb1 chk_nginx', { kind: 'ok', node: 'lb1', script: 'chk_nginx' }],
    ['7 linkdown lb1', { kind: 'linkdown', node: 'lb1' }],
    ['7 linkdown lb1 eth1', { kind: 'linkdown', node: 'lb1', interface: 'eth1' }],
    ['8 linkup lb1 eth1', { kind: 'linkup', node: 'lb1', interface: 'eth1' }],
    ['9 pause lb2', { kind: 'pause', node: 'lb2' }],
    ['9 resume lb2', { kind: 'resume', node: 'lb2' }],
    ['10 partition lb1,lb2 lb3', { kind: 'partition', groups: [['lb1', 'lb2'], ['lb3']] }],
    ['10 oneway lb1 lb2', { kind: 'oneway', from: 'lb1', to: 'lb2' }],
    ['12 heal', { kind: 'heal' }],
    ['12 loss lb1 0.25', { kind: 'loss', node: 'lb1', lossRatio: 0.25 }],
  ])('%s', (line, event) => {
    const e = parsed(line);
    expect(e.event).toEqual(event);
    expect(formatEvent(e.event)).toBe(line.split(' ').slice(1).join(' '));
  });

  it('keeps the location of the line', () => {
    expect(parsed('  6 kill lb1').location).toEqual({ file: 'x.scenario', line: 3, column: 3 });
  });

  it('points at the token that is wrong', () => {
    expect(errors('6 explode lb1')).toEqual([{ code: 'event-unknown-word', column: 3, message: "unknown event word 'explode'" }]);
    expect(errors('six kill lb1')[0]).toMatchObject({ code: 'event-bad-time', column: 1 });
    expect(errors('6 kill lb9')[0]).toMatchObject({ code: 'event-unknown-node', column: 8 });
    expect(errors('6 partition lb1,lb9 lb2')[0]).toMatchObject({ code: 'event-unknown-node', column: 17 });
    expect(errors('6 kill')[0]).toMatchObject({ code: 'event-missing-argument', column: 7 });
    expect(errors('6 kill lb1 now')[0]).toMatchObject({ code: 'event-extra-argument', column: 12 });
    expect(errors('6 heal lb1')[0]).toMatchObject({ code: 'event-extra-argument', column: 8 });
    expect(errors('6 partition lb1,lb2 lb2')[0]).toMatchObject({ code: 'event-duplicate-member' });
    expect(errors('6 partition lb1,,lb2')[0]).toMatchObject({ code: 'event-bad-group' });
    expect(errors('6 loss lb1 2')[0]).toMatchObject({ code: 'event-bad-ratio', column: 12 });
  });

  it('reports every unknown node of a partition', () => {
    expect(errors('6 partition lbx lby').map((e) => e.column)).toEqual([13, 17]);
  });

  it('sorts by time and keeps the written order at equal times', () => {
    const es = ['6 kill lb1', '0 fail lb1 chk', '0 start lb1'].map(parsed);
    expect(sortEvents(es).map((e) => formatEvent(e.event))).toEqual(['fail lb1 chk', 'start lb1', 'kill lb1']);
  });
});
