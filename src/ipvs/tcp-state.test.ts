import { describe, expect, it } from 'vitest';
import {
  IP_VS_TCP_S_CLOSE, nextTcpState, tcpStateActive, tcpStateIndex, TCP_STATE_NAMES, TCP_TIMEOUTS_S, type TcpDirection,
} from './tcp-state.js';

/*
 * A second, independent transcription of `tcp_states[]` and `tcp_states_dos[]`
 * (net/netfilter/ipvs/ip_vs_proto_tcp.c, current kernels), in the kernel's own
 * layout: one line per (direction, packet class), one column per current state
 * NO ES SS SR FW TW CL CW LA LI SA. Any typo in either copy fails a cell.
 */
const KERNEL_TCP_STATES = `
INPUT       syn SR ES ES SR SR SR SR SR SR SR SR
INPUT       fin CL CW SS TW TW TW CL CW LA LI TW
INPUT       ack ES ES SS ES FW TW CL CW CL LI ES
INPUT       rst CL CL CL SR CL CL CL CL LA LI SR
OUTPUT      syn SS ES SS SR SS SS SS SS SS LI SR
OUTPUT      fin TW FW SS TW FW TW CL TW LA LI TW
OUTPUT      ack ES ES SS ES FW TW CL CW LA ES ES
OUTPUT      rst CL CL SS CL CL TW CL CL CL CL CL
INPUT-ONLY  syn SR ES ES SR SR SR SR SR SR SR SR
INPUT-ONLY  fin CL FW SS TW FW TW CL CW LA LI TW
INPUT-ONLY  ack ES ES SS ES FW TW CL CW CL LI ES
INPUT-ONLY  rst CL CL CL SR CL CL CL CL LA LI CL
`;

const KERNEL_TCP_STATES_DOS = `
INPUT       syn SR ES ES SR SR SR SR SR SR SR SA
INPUT       fin CL CW SS TW TW TW CL CW LA LI SA
INPUT       ack ES ES SS SR FW TW CL CW CL LI SA
INPUT       rst CL CL CL SR CL CL CL CL LA LI CL
OUTPUT      syn SS ES SS SA SS SS SS SS SS LI SA
OUTPUT      fin TW FW SS TW FW TW CL TW LA LI TW
OUTPUT      ack ES ES SS ES FW TW CL CW LA ES ES
OUTPUT      rst CL CL SS CL CL TW CL CL CL CL CL
INPUT-ONLY  syn SA ES ES SR SA SA SA SA SA SA SA
INPUT-ONLY  fin CL FW SS TW FW TW CL CW LA LI TW
INPUT-ONLY  ack ES ES SS ES FW TW CL CW CL LI ES
INPUT-ONLY  rst CL CL CL SR CL CL CL CL LA LI CL
`;

const SHORT = ['NO', 'ES', 'SS', 'SR', 'FW', 'TW', 'CL', 'CW', 'LA', 'LI', 'SA'];
const DIRS: Record<string, TcpDirection> = { INPUT: 'input', OUTPUT: 'output', 'INPUT-ONLY': 'input-only' };
const CLASS_FLAGS = {
  syn: { syn: true, ack: false, fin: false, rst: false },
  fin: { syn: false, ack: false, fin: true, rst: false },
  ack: { syn: false, ack: true, fin: false, rst: false },
  rst: { syn: false, ack: false, fin: false, rst: true },
} as const;

function cells(table: string): { dir: TcpDirection; cls: keyof typeof CLASS_FLAGS; from: number; to: number }[] {
  return table.trim().split('\n').flatMap((line) => {
    const [dir, cls, ...next] = line.trim().split(/\s+/);
    return next.map((to, from) => ({ dir: DIRS[dir!]!, cls: cls as keyof typeof CLASS_FLAGS, from, to: SHORT.indexOf(to) }));
  });
}

describe('IPVS TCP state machine (ip_vs_proto_tcp.c set_tcp_state)', () => {
  it.each([['tcp_states', KERNEL_TCP_STATES, false], ['tcp_states_dos', KERNEL_TCP_STATES_DOS, true]] as const)(
    'every cell of %s matches the kernel',
    (_name, table, secure) => {
      const all = cells(table);
      expect(all).toHaveLength(3 * 4 * 11);
      for (const c of all) {
        const got = nextTcpState(c.from, c.dir, tcpStateIndex(CLASS_FLAGS[c.cls]), secure);
        expect(`${c.dir} ${c.cls} ${SHORT[c.from]} -> ${SHORT[got]}`).toBe(`${c.dir} ${c.cls} ${SHORT[c.from]} -> ${SHORT[c.to]}`);
      }
    },
  );

  it('classifies packets as tcp_state_idx does: RST beats SYN beats FIN beats ACK', () => {
    expect(tcpStateIndex({ syn: true, ack: true, fin: true, rst: true })).toBe(3);
    expect(tcpStateIndex({ syn: true, ack: true, fin: true, rst: false })).toBe(0);
    expect(tcpStateIndex({ syn: false, ack: true, fin: true, rst: false })).toBe(1);
    expect(tcpStateIndex({ syn: false, ack: true, fin: false, rst: false })).toBe(2);
    expect(tcpStateIndex({ syn: false, ack: false, fin: false, rst: false })).toBe(-1);
  });

  it('a packet without a known flag closes the connection from any state', () => {
    for (let st = 0; st < 11; st++) expect(nextTcpState(st, 'input', -1)).toBe(IP_VS_TCP_S_CLOSE);
  });

  it('counts ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK as active (tcp_state_active_table)', () => {
    expect(TCP_STATE_NAMES.filter((_, i) => tcpStateActive(i))).toEqual(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'SYNACK']);
  });

  it('has the kernel default timeouts (tcp_timeouts[])', () => {
    const byName = Object.fromEntries(TCP_STATE_NAMES.map((n, i) => [n, TCP_TIMEOUTS_S[i]]));
    expect(byName).toEqual({
      NONE: 2, ESTABLISHED: 900, SYN_SENT: 120, SYN_RECV: 60, FIN_WAIT: 120, TIME_WAIT: 120,
      CLOSE: 10, CLOSE_WAIT: 60, LAST_ACK: 30, LISTEN: 120, SYNACK: 120,
    });
  });
});
