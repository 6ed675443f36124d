import { describe, expect, it } from 'vitest';
import type { Instant } from '../../core/time.js';
import { groupedClientRows } from './client-groups.js';
import { lvsClientRows } from './timeline-render.js';
import type { TimelineClientOutcome, TimelineLvs } from './timeline.js';

const s = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;
let seq = 0;
const o = (t: number, outcome: TimelineClientOutcome['outcome'], reason: string, server?: string): TimelineClientOutcome => ({
  seq: ++seq, at: s(t), outcome, service: '192.0.2.80:2811', client: `203.0.113.9:${32768 + seq}`, reason, ...(server === undefined ? {} : { server }),
});

describe('failed client connections grouped into runs (trial F4)', () => {
  const outcomes = [
    o(35.25, 'timed-out', 'no answer to SYN within 15 s'),
    o(35.5, 'broken', 'data unacknowledged for 15 s', 'rs1'),
    o(35.75, 'completed', 'closed after 20 s', 'rs2'),
    o(36, 'timed-out', 'no answer to SYN within 15 s'),
    // a check verdict lies here (seq 5)
    (seq++, o(37.25, 'broken', 'no answer to FIN within 15 s', 'rs1')),
    o(38, 'broken', 'no answer to FIN within 15 s', 'rs1'),
    // more than 5 s later: a new run
    o(44, 'refused', 'reset by rs1'),
  ];
  const lvs: TimelineLvs = { realServers: [], services: [], clients: 'clients', conns: [], checks: [], clientOutcomes: outcomes, directorDowns: [], arp: [] };

  it('folds failures between the other rows into one row each, counting outcomes, servers and reasons', () => {
    expect(groupedClientRows(lvs, [5])).toEqual([
      { seq: 1, at: s(35.25), node: 'clients', instance: '', priority: '', what: '3 failed to 36 s: 1 broken, 2 timed out', why: '1 via rs1; no answer to SYN within 15 s ×2; data unacknowledged for 15 s ×1' },
      { seq: 6, at: s(37.25), node: 'clients', instance: '', priority: '', what: '2 failed to 38 s: 2 broken', why: 'all via rs1; no answer to FIN within 15 s' },
      { seq: 8, at: s(44), node: 'clients', instance: '', priority: '', what: '1 connection refused', why: 'reset by rs1' },
    ]);
  });

  it('without other rows, failures within 5 s of each other are one run', () => {
    expect(groupedClientRows(lvs, []).map((r) => r.what)).toEqual(['5 failed to 38 s: 3 broken, 2 timed out', '1 connection refused']);
  });

  it('--clients each keeps a row per outcome and reason within a second', () => {
    expect(lvsClientRows(lvs).map((r) => r.what)).toEqual(['1 connection timed-out', '1 connection broken', '1 connection timed-out', '2 connections broken', '1 connection refused']);
  });
});
