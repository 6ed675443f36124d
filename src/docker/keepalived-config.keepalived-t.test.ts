/**
 * The container rewrite checked by real keepalived 2.2.7's `keepalived -t`
 * (installed on the host; skipped where it or `ip netns` is missing): each
 * configuration below, and its rewrite started from the lab's entry file, are
 * tested by keepalived itself in a network namespace that has both the user's
 * interfaces (ens3, ens4) and the container's (eth0, eth1). The rewrite must
 * give keepalived's verdict on the original — same exit status, same messages
 * at the same file:line — apart from the script checks (the lab's stub does not
 * exist on this host, nor do the user's scripts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteKeepalivedConfig, type ContainerConfig } from './keepalived-config.js';

const NS = `vrrp-lab-rewrite-${process.pid}`;
const hasKeepalived = spawnSync('keepalived', ['-v'], { encoding: 'utf8' }).status === 0;
const canNetns = hasKeepalived && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'vrrp-lab-rewrite-t-'));
const interfaces = new Map([['ens3', 'eth0'], ['ens4', 'eth1']]);

/** Messages about scripts differ by design: the lab's stub and the user's scripts are absent here. */
const SCRIPT_MESSAGE = /script|SECURITY/i;

function keepalivedT(file: string, dir: string): { status: number | null; messages: string[] } {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'keepalived', '-t', '-l', '-D', '-f', file], { encoding: 'utf8', timeout: 10_000 });
  const messages = `${r.stdout}${r.stderr}`.split('\n').map((l) => l.replaceAll(dir, 'DIR').trim()).filter((l) => l !== '' && !SCRIPT_MESSAGE.test(l));
  return { status: r.status, messages };
}

function setUp(name: string, files: Readonly<Record<string, string>>, root = 'lb1.conf'): { dir: string; out: ContainerConfig } {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const included = Object.entries(files).filter(([p]) => p !== root).map(([p, text]) => ({ file: join(dir, p), text }));
  const out = rewriteKeepalivedConfig({ file: join(dir, root), text: files[root] ?? '', included }, { interfaces, configId: 'lb1' });
  return { dir, out };
}

/** keepalived -t on the original, then on the rewrite written over it (the container paths are the host paths). */
function verdicts(name: string, files: Readonly<Record<string, string>>): { original: ReturnType<typeof keepalivedT>; rewritten: ReturnType<typeof keepalivedT>; out: ContainerConfig } {
  const { dir, out } = setUp(name, files);
  const original = keepalivedT(join(dir, 'lb1.conf'), dir);
  for (const f of out.files) writeFileSync(f.file, f.text);
  writeFileSync(join(dir, 'entry.conf'), out.entry);
  return { original, rewritten: keepalivedT(join(dir, 'entry.conf'), dir), out };
}

const GLOBAL = 'global_defs {\n  enable_script_security\n  script_user root\n}\n';

const SHAPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'multi-line blocks, notify scripts and the user\'s FIFO': {
    'lb1.conf': `global_defs {\n  enable_script_security\n  script_user root\n  vrrp_notify_fifo /run/user.fifo\n  vrrp_notify_fifo_script /usr/local/bin/fifo.sh\n}\nvrrp_script chk_haproxy {\n  script "/opt/absent/killall -0 haproxy"\n  interval 2\n  weight -30\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface ens3\n  virtual_router_id 51\n  priority 150\n  track_interface {\n    ens4 weight -20\n  }\n  track_script {\n    chk_haproxy\n  }\n  virtual_ipaddress {\n    192.0.2.100/24 dev ens3 label ens3:vip\n    198.51.100.100/24 dev ens4\n  }\n  notify_master "/usr/local/bin/master.sh"\n  notify_backup /usr/local/bin/backup.sh\n  notify /usr/local/bin/notify.sh\n  notify_priority_changes\n}\n`,
  },
  'one-line blocks, nested braces on one line': {
    'lb1.conf': `${GLOBAL}vrrp_script chk { script "/usr/bin/check" interval 1 weight -60 }\nvrrp_script chk2 { script "/usr/bin/check2" }\nvrrp_instance VI_1 {\n  interface ens3\n  virtual_router_id 51\n  track_interface { ens4 }\n  track_script { chk chk2 weight -20 }\n  virtual_ipaddress { 192.0.2.100/24 dev ens3 } }\n`,
  },
  'include with a glob and a relative file, $DEFS and @host lines': {
    'lb1.conf': `${GLOBAL}$IF=ens3\n$VIP=192.0.2.100/24\ninclude scripts.d/*.inc\ninclude instances/vi1.inc\n`,
    'scripts.d/10-chk.inc': 'vrrp_script chk { script "/usr/bin/check --fast" }\n',
    'scripts.d/20-chk2.inc': 'vrrp_script chk2 {\n  script "/usr/bin/check2"\n  weight -10\n}\n',
    'instances/vi1.inc': 'vrrp_instance VI_1 {\n  state BACKUP\n  interface $IF\n  virtual_router_id 51\n@lb1 priority 150\n@lb2 priority 100\n@lb2 interface ens4\n  track_script { chk weight -60 }\n  track_script {\n    chk2\n  }\n  virtual_ipaddress { $VIP dev ${IF} }\n  notify "/usr/local/bin/notify.sh"\n}\n',
  },
  'quoted strings holding braces and comment characters': {
    'lb1.conf': `${GLOBAL}vrrp_script chk {\n  script "/opt/absent/sh -c 'test -e /x{1} # !'"\n}\nvrrp_instance VI_1 { # one { here\n  interface ens3\n  virtual_router_id 51\n  track_script { chk weight -5 }\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n  notify_master "/bin/echo } {"\n}\n`,
  },
  'sync group, unicast peers, a closing brace after a statement': {
    'lb1.conf': `${GLOBAL}vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n  notify_master "/usr/local/bin/g-master.sh"\n}\nvrrp_instance VI_1 {\n  interface ens3\n  virtual_router_id 51\n  unicast_src_ip 192.0.2.11\n  unicast_peer { 192.0.2.12 }\n  virtual_ipaddress { 192.0.2.100/24 }\n  nopreempt }\nvrrp_instance VI_2 {\n  interface ens4\n  virtual_router_id 52\n  virtual_ipaddress { 198.51.100.100/24 }\n  preempt_delay 5\n}\n`,
  },
  'a mistake keepalived reports stays at its line': {
    'lb1.conf': `${GLOBAL}vrrp_instance VI_1 {\n  interface ens3\n  virtual_router_id 51\n  priorty 100\n  virtual_ipaddress { 192.0.2.100/24 }\n  notify /usr/local/bin/notify.sh\n}\n`,
  },
};

describe.skipIf(!canNetns)('the container rewrite under keepalived -t', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    // No dummy interfaces in this kernel: two veth pairs give the four names.
    for (const [a, b] of [['ens3', 'ens4'], ['eth0', 'eth1']] as const) execFileSync('ip', ['-n', NS, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    for (const dev of ['ens3', 'ens4', 'eth0', 'eth1']) execFileSync('ip', ['-n', NS, 'link', 'set', dev, 'up']);
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(work, { recursive: true, force: true });
  });

  for (const [name, files] of Object.entries(SHAPES)) {
    it(`${name}: keepalived's verdict on the rewrite is its verdict on the original`, () => {
      const { original, rewritten, out } = verdicts(name.replace(/\W+/g, '-'), files);
      expect(rewritten).toEqual(original);
      expect(out.replaced.length).toBeGreaterThan(0);
    });
  }

  it('the mistake is reported, so the comparison can see line numbers', () => {
    const { original } = verdicts('mistake-again', SHAPES['a mistake keepalived reports stays at its line'] ?? {});
    expect(original.messages.join('\n')).toMatch(/Line 8\).*priorty/);
  });
});
