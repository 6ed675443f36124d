/**
 * `vrrp-lab validate` on LVS configs, read against keepalived 2.2.7 itself.
 *
 * Each case is a small config with one LVS mistake, what keepalived `-t` prints
 * about it (null: nothing), and the finding codes we report on which lines.
 * When keepalived is installed the test runs it and checks that claim too, so
 * the table stays true. The findings that need the LVS facts (lvs-facts.ts)
 * are expected only once the cluster adapter attaches them to its view.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { clusterNodeFromModel } from '../../src/config/rules/cluster-adapter.js';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-lvs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEEPALIVED = ['/usr/sbin/keepalived', '/usr/local/sbin/keepalived', '/sbin/keepalived'].find((p) => existsSync(p));

/** Does the cluster adapter hand the LVS facts to the checks yet? */
const FACTS_WIRED = (() => {
  const { model } = parseConfig('virtual_server 192.0.2.1 80 {\n real_server 192.0.2.2 80 {\n }\n}\n', { file: 'probe.conf' });
  return 'lvs' in (clusterNodeFromModel('probe', 'probe.conf', model).virtualServers[0] ?? {});
})();

interface Case {
  readonly name: string;
  readonly text: string;
  /** What keepalived 2.2.7 -t prints about it; null when it says nothing. */
  readonly keepalived: RegExp | null;
  /** Our findings, [code, line]. */
  readonly ours: ReadonlyArray<readonly [string, number]>;
  /** Needs the LVS facts from the model (lvs-facts.ts). */
  readonly facts?: boolean;
}

const head = (addr: string, lines: string): string => `virtual_server ${addr} {\n${lines}`;
const real = (addr: string, extra = ''): string => `    real_server ${addr} {\n        weight 1\n${extra}    }\n`;

const CASES: readonly Case[] = [
  {
    name: 'DR with port mapping',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind DR\n    protocol TCP\n')}${real('192.0.2.21 8080')}}\n`,
    keepalived: /ports don't match - resetting/,
    ours: [['lvs-dr-arp', 3], ['lvs-dr-port-mismatch', 5]],
  },
  {
    name: 'TUN with port mapping',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind TUN\n    protocol TCP\n')}${real('192.0.2.21 8080')}}\n`,
    keepalived: /ports don't match - resetting/,
    ours: [['lvs-dr-port-mismatch', 5]],
  },
  {
    name: 'a real server made DR by its own lvs_method, with port mapping',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n')}${real('192.0.2.21 8080', '        lvs_method DR\n')}}\n`,
    keepalived: /ports don't match - resetting/,
    ours: [['lvs-dr-arp', 7], ['lvs-dr-port-mismatch', 5]],
    facts: true,
  },
  {
    name: 'a NAT real server in a DR service may map ports',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind DR\n    protocol TCP\n')}${real('192.0.2.21 8080', '        lvs_method NAT\n')}}\n`,
    keepalived: null,
    ours: [['lvs-dr-arp', 3]],
    facts: true,
  },
  {
    name: 'a fwmark service with a port on a DR real server',
    text: `${head('fwmark 1', '    lb_algo wlc\n    lb_kind DR\n')}${real('192.0.2.21 8080')}}\n`,
    keepalived: /has port specified - clearing/,
    ours: [['lvs-dr-arp', 3], ['lvs-fwmark-port-ignored', 4]],
    facts: true,
  },
  {
    name: 'a group service whose entry port differs',
    text: `virtual_server_group web {\n    192.0.2.80 80\n    192.0.2.81 443\n}\n${head('group web', '    lb_algo wlc\n    lb_kind DR\n    protocol TCP\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: /ports don't match/,
    ours: [['lvs-dr-arp', 7], ['lvs-dr-port-mismatch', 9]],
    facts: true,
  },
  {
    name: 'persistence_granularity without persistence_timeout',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n    persistence_granularity 255.255.255.0\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: null,
    ours: [['lvs-granularity-makes-persistent', 5]],
    facts: true,
  },
  {
    name: 'sorry_server equal to a real server',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n    sorry_server 192.0.2.21 80\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: null,
    ours: [['lvs-sorry-is-real', 5]],
  },
  {
    name: 'quorum above the sum of weights',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n    quorum 5\n')}${real('192.0.2.21 80')}${real('192.0.2.22 80')}}\n`,
    keepalived: /quorum 5 for .* exceeds total weight of real servers 2, reducing quorum to 2/,
    ours: [['lvs-quorum-unreachable', 5]],
  },
  {
    name: 'weights of 0 everywhere',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n')}    real_server 192.0.2.21 80 {\n        weight 0\n    }\n}\n`,
    keepalived: /reducing quorum to 0/,
    ours: [['lvs-all-weights-zero', 5]],
    facts: true,
  },
  {
    name: 'an lb_algo that is not a kernel scheduler',
    text: `${head('192.0.2.80 80', '    lb_algo wlcc\n    lb_kind NAT\n    protocol TCP\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: /Invalid lvs_scheduler 'wlcc'/,
    ours: [['virtual-server-no-scheduler', 1], ['lb-algo-invalid', 2]],
  },
  {
    name: 'lb_kind in lower case',
    text: `${head('192.0.2.80 80', '    lvs_sched rr\n    lb_kind dr\n    protocol TCP\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: /unknown \[dr\] routing method/,
    ours: [['virtual-server-no-lb-kind', 1], ['lvs-method-invalid', 3]],
  },
  {
    name: 'lvs_method then lb_kind with another method',
    text: `${head('192.0.2.80 80', '    lvs_sched rr\n    lvs_method DR\n    lb_kind NAT\n    protocol TCP\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: null,
    ours: [['lvs-forwarding-overridden', 3]],
    facts: true,
  },
  {
    name: 'sh flags on a non-hashing scheduler',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    sh-port\n    lb_kind NAT\n    protocol TCP\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: /sh-port only applies to sh scheduler - ignoring/,
    ours: [['scheduler-flag-ignored', 3]],
  },
  {
    name: 'an mh flag under lb_algo sh',
    text: `${head('192.0.2.80 80', '    lb_algo sh\n    mh-port\n    lb_kind NAT\n    protocol TCP\n')}${real('192.0.2.21 80')}}\n`,
    keepalived: null,
    ours: [['lvs-scheduler-flag-dropped', 3]],
    facts: true,
  },
  {
    name: 'unknown checker keywords',
    text: `${head('192.0.2.80 80', '    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n')}${real('192.0.2.21 80', '        TCP_CHECK {\n            connect_tiemout 3\n        }\n')}}\n`,
    keepalived: /Unknown keyword 'connect_tiemout'/,
    ours: [['unknown-keyword', 8]],
  },
];

/** keepalived's lines about the config, without its start-up chatter. */
function keepalivedSays(file: string): string {
  const r = spawnSync(KEEPALIVED!, ['-t', '-f', file, '-l', '-D'], { encoding: 'utf8', timeout: 10_000, cwd: dir });
  return `${r.stdout}${r.stderr}`;
}

async function validate(file: string): Promise<{ code: number; findings: Array<[string, number]> }> {
  const io = captureIo();
  const code = await main(['validate', '--json', file], io);
  const doc = JSON.parse(io.out()) as { files: Array<{ diagnostics: Array<{ code: string; line: number }> }> };
  return { code, findings: doc.files[0]!.diagnostics.map((d) => [d.code, d.line]) };
}

let n = 0;
function write(text: string): string {
  const file = join(dir, `case-${n++}.conf`);
  writeFileSync(file, text);
  return file;
}

describe('vrrp-lab validate on LVS mistakes, next to keepalived 2.2.7', () => {
  for (const c of CASES) {
    const pending = c.facts === true && !FACTS_WIRED;
    const test = pending ? it.skip : it;
    test(`${c.name}${pending ? ' (waits for the cluster adapter to attach the LVS facts)' : ''}`, async () => {
      const file = write(c.text);
      const r = await validate(file);
      expect([0, 1]).toContain(r.code);
      const lvsish = r.findings.filter(([code]) => !['virtual-server-no-scheduler', 'virtual-server-no-lb-kind'].includes(code) || c.ours.some(([o]) => o === code));
      expect(lvsish.sort()).toEqual([...c.ours].map(([code, line]) => [code, line]).sort());
    });
  }

  it.skipIf(!KEEPALIVED)('keepalived -t says what the table claims, case by case', () => {
    for (const c of CASES) {
      const out = keepalivedSays(write(c.text));
      if (c.keepalived) expect(out, c.name).toMatch(c.keepalived);
      else expect(out, c.name).not.toMatch(/port|quorum|persisten|granularity|sorry|flag|only applies|routing method|lvs_/i);
    }
  });

  it('a malformed virtual_server block is reported, never crashes the validator', async () => {
    const file = write('virtual_server 192.0.2.80 {\n    lb_algo\n    real_server 192.0.2.21 80 {\n        weight -1\n        TCP_CHECK {\n    }\n}\nvirtual_server {\n}\nvirtual_server 192.0.2.999 80 {\n  real_server 1.2.3.4 99999 {\n  }\n}\n');
    const r = await validate(file);
    expect(r.code).toBe(1);
    expect(r.findings.map(([code]) => code)).toEqual(expect.arrayContaining(['missing-parameter', 'weight-invalid', 'virtual-server-invalid', 'missing-close-brace']));
  });
});
