import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { textsFileSystem } from './config-edits.js';
import type { KeepalivedSource } from '../spec/node-spec.js';
import { rewriteKeepalivedConfig, type ContainerConfig, type RewriteOptions } from './keepalived-config.js';

const interfaces = new Map([['ens3', 'eth0'], ['ens4', 'eth1']]);
const rewrite = (text: string, more: Partial<RewriteOptions> & { included?: KeepalivedSource['included'] } = {}): ContainerConfig =>
  rewriteKeepalivedConfig({ file: '/cfg/lb1.conf', text, included: more.included ?? [] }, { interfaces, configId: 'lb1', ...more });
const fileOf = (c: ContainerConfig, path = '/cfg/lb1.conf'): string => c.files.find((f) => f.file === path)?.text ?? '';

/** What the project's parser reads from the rewritten files (as keepalived would in the container). */
function reread(c: ContainerConfig, root = '/cfg/lb1.conf'): ReturnType<typeof parseConfig> {
  const texts = new Map(c.files.map((f) => [f.file, f.text]));
  return parseConfig(texts.get(root) ?? '', { file: root, fs: textsFileSystem(texts), configId: 'lb1' });
}

const CONF = `global_defs {
    enable_script_security
    vrrp_notify_fifo /run/my.fifo
}

vrrp_script chk {
    script "@RUN@/check chk"   # the real check
    interval 1
}

vrrp_instance VI_1
{
    state BACKUP
    interface ens3
    virtual_router_id 51
    track_interface {
        ens4 weight -10
    }
    track_script {
        chk weight -60
    }
    virtual_ipaddress {
        192.0.2.100/24 dev ens3
        198.51.100.100/24 dev ens4 label ens4:1
    }
    notify @RUN@/notify.sh
    notify_master "/usr/local/bin/master.sh"
}
`;

describe('rewriteKeepalivedConfig: multi-line blocks', () => {
  const out = rewrite(CONF);
  const text = fileOf(out);

  it('maps interface names everywhere they are named, nothing else', () => {
    expect(text).toContain('    interface eth0\n');
    expect(text).toContain('192.0.2.100/24 dev eth0\n');
    expect(text).toContain('198.51.100.100/24 dev eth1 label eth1:1\n');
    expect(text).toContain('        eth1 weight -10\n');
    expect(text).not.toMatch(/\bens[34]\b/);
  });

  it('replaces the script with the stub, keeping the comment and the rest of the line', () => {
    expect(text).toContain('    script "/lab/bin/script-stub chk"   # the real check\n');
  });

  it('removes the notify statements and the FIFO, and adds the hook on the closing brace line (line numbers stay)', () => {
    expect(text).not.toMatch(/notify_master|notify \/lab\/notify\.sh|\/run\/my\.fifo/);
    expect(text.split('\n')).toHaveLength(CONF.split('\n').length);
    expect(text).toMatch(/\nnotify \/lab\/bin\/notify\.sh \}\n$/);
  });

  it('keeps every other byte', () => {
    const a = CONF.split('\n');
    const b = text.split('\n');
    const changed = a.map((l, i) => (l === b[i] ? -1 : i + 1)).filter((i) => i > 0);
    expect(changed).toEqual([3, 7, 14, 17, 23, 24, 26, 27, 28]);
  });

  it('says what it replaced, with file:line:column', () => {
    const at = out.replaced.map((r) => `${r.line}:${r.column} ${r.kind} ${r.from} -> ${r.to}`);
    expect(at).toEqual([
      '3:5 notify-fifo vrrp_notify_fifo /run/my.fifo -> ',
      '7:12 script "/lab/check chk" -> /lab/bin/script-stub chk',
      '14:15 interface ens3 -> eth0',
      '17:9 interface ens4 -> eth1',
      '23:28 interface ens3 -> eth0',
      '24:31 interface ens4 -> eth1',
      '24:42 interface ens4:1 -> eth1:1',
      '26:5 notify notify /lab/notify.sh -> /lab/bin/notify.sh',
      '27:5 notify notify_master "/usr/local/bin/master.sh" -> /lab/bin/notify.sh',
    ]);
    expect(out.replaced.every((r) => r.file === '/cfg/lb1.conf')).toBe(true);
  });

  it('starts from an entry file with the lab FIFO that includes the configuration', () => {
    expect(out.entry).toMatch(/global_defs \{\n {4}vrrp_notify_fifo \/lab\/notify\.fifo\n {4}vrrp_notify_fifo_script \/lab\/bin\/notify-fifo\.sh\n {4}vrrp_notify_priority_changes\n\}\ninclude \/cfg\/lb1\.conf\n$/);
  });

  it('keeps the real script when asked', () => {
    expect(fileOf(rewrite(CONF, { realScripts: true }))).toContain('script "/lab/check chk"');
  });
});

describe('rewriteKeepalivedConfig: shapes keepalived reads that a line scanner misses', () => {
  it('one-line vrrp_script: the stub replaces the command and every word keepalived passes it', () => {
    const out = rewrite('vrrp_script chk { script "/usr/bin/check" interval 1 weight -60 }\n');
    expect(fileOf(out)).toBe(`vrrp_script chk { script "/lab/bin/script-stub chk"${' '.repeat(5)}}\n`);
    expect(out.replaced[0]).toMatchObject({ line: 1, column: 26, kind: 'script', from: '"/usr/bin/check" interval 1 weight -60' });
  });

  it('one-line track_interface and nested braces on one line', () => {
    const conf = 'vrrp_instance VI_1 { interface ens3\n}\nvrrp_instance VI_2 {\n  interface ens3\n  track_interface { ens4 }\n  virtual_ipaddress { 192.0.2.100/24 dev ens4 } }\n';
    const text = fileOf(rewrite(conf));
    expect(text).toContain('track_interface { eth1 }');
    expect(text).toContain('virtual_ipaddress { 192.0.2.100/24 dev eth1 }');
    expect(text).toContain('vrrp_instance VI_1 { interface eth0\nnotify /lab/bin/notify.sh }');
    // VI_2 closes after another brace on its line: the hook goes there too
    expect(text).toContain('dev eth1 } notify /lab/bin/notify.sh }\n');
    const model = reread(rewrite(conf)).model;
    expect(model.vrrpInstances.map((i) => [i.name, i.interface?.value, i.notify.generic?.command])).toEqual([['VI_1', 'eth0', '/lab/bin/notify.sh'], ['VI_2', 'eth0', '/lab/bin/notify.sh']]);
  });

  it('a closing brace after a statement on the same line: the hook gets a line of its own', () => {
    const text = fileOf(rewrite('vrrp_instance VI_1 {\n  interface ens3\n  priority 100 }\n'));
    expect(text).toBe('vrrp_instance VI_1 {\n  interface eth0\n  priority 100 \nnotify /lab/bin/notify.sh\n}\n');
  });

  it('quoted strings with braces and comment characters stay one word', () => {
    const conf = 'vrrp_script chk {\n  script "/bin/sh -c \'test -f /x{1} # no\'"\n}\nvrrp_instance VI_1 {\n  interface ens3 # ens4 {\n  notify_master "/bin/echo }"\n}\n';
    const out = rewrite(conf);
    expect(fileOf(out)).toBe('vrrp_script chk {\n  script "/lab/bin/script-stub chk"\n}\nvrrp_instance VI_1 {\n  interface eth0 # ens4 {\n   \n' + 'notify /lab/bin/notify.sh }\n');
  });

  it('$DEFS: a reference is replaced in the place it is used; the definition stays', () => {
    const conf = '$IF=ens3\n$CHECK=/usr/bin/check\nvrrp_script chk {\n  script "$CHECK --fast"\n}\nvrrp_instance VI_1 {\n  interface $IF\n  virtual_ipaddress {\n    192.0.2.100/24 dev ${IF}\n  }\n}\n';
    const text = fileOf(rewrite(conf));
    expect(text).toContain('$IF=ens3\n$CHECK=/usr/bin/check\n');
    expect(text).toContain('  script "/lab/bin/script-stub chk"\n');
    expect(text).toContain('  interface eth0\n');
    expect(text).toContain('192.0.2.100/24 dev eth0\n');
    const model = reread(rewrite(conf)).model;
    expect(model.vrrpInstances[0]?.interface?.value).toBe('eth0');
    expect(model.vrrpScripts[0]?.script?.value).toBe('/lab/bin/script-stub chk');
  });

  it('$DEFS: a definition holding a whole block, used on one line', () => {
    const conf = '$CHK=vrrp_script chk { script "/usr/bin/check" }\n$CHK\nvrrp_instance VI_1 {\n  interface ens3\n  track_script { chk }\n}\n';
    const out = rewrite(conf);
    expect(fileOf(out).split('\n')[1]).toBe('vrrp_script chk { script "/lab/bin/script-stub chk" }');
    expect(reread(out).model.vrrpScripts[0]?.script?.value).toBe('/lab/bin/script-stub chk');
  });

  it('@host lines: the node\'s own lines are rewritten, other hosts\' lines stay as written', () => {
    const conf = 'vrrp_instance VI_1 {\n@lb1 interface ens3\n@lb2 interface ens4\n@^lb1 priority 50\n  priority 100\n}\n';
    const text = fileOf(rewrite(conf));
    expect(text).toBe('vrrp_instance VI_1 {\n@lb1 interface eth0\n@lb2 interface ens4\n@^lb1 priority 50\n  priority 100\nnotify /lab/bin/notify.sh }\n');
  });

  it('include with a glob: every included file is rewritten at its own path; relative paths resolve as on the host', () => {
    const included = [
      { file: '/cfg/conf.d/10-scripts.inc', text: 'vrrp_script chk { script "/usr/bin/check" }\n' },
      { file: '/cfg/conf.d/20-vi1.inc', text: 'vrrp_instance VI_1 {\n  interface ens3\n  track_script {\n    chk weight -30\n  }\n  notify /usr/bin/notify\n}\n' },
    ];
    const out = rewrite('global_defs {\n  script_user root\n}\ninclude conf.d/*.inc\n', { included });
    expect(out.files.map((f) => f.file)).toEqual(['/cfg/lb1.conf', '/cfg/conf.d/10-scripts.inc', '/cfg/conf.d/20-vi1.inc']);
    expect(fileOf(out)).toBe('global_defs {\n  script_user root\n}\ninclude conf.d/*.inc\n');
    expect(fileOf(out, '/cfg/conf.d/10-scripts.inc')).toBe('vrrp_script chk { script "/lab/bin/script-stub chk" }\n');
    expect(fileOf(out, '/cfg/conf.d/20-vi1.inc')).toContain('  interface eth0\n');
    expect(out.replaced.map((r) => `${r.file}:${r.line} ${r.kind}`)).toEqual([
      '/cfg/conf.d/10-scripts.inc:1 script',
      '/cfg/conf.d/20-vi1.inc:2 interface',
      '/cfg/conf.d/20-vi1.inc:6 notify',
    ]);
    const again = reread(out);
    expect(again.files).toEqual(['/cfg/lb1.conf', '/cfg/conf.d/10-scripts.inc', '/cfg/conf.d/20-vi1.inc']);
    expect(again.model.vrrpInstances[0]?.notify.generic?.command).toBe('/lab/bin/notify.sh');
  });

  it('a block left open at the end of the file gets the hook at the end', () => {
    const text = fileOf(rewrite('vrrp_instance VI_1 {\n  interface ens3\n'));
    expect(text).toBe('vrrp_instance VI_1 {\n  interface eth0\n\nnotify /lab/bin/notify.sh\n');
  });

  it('moved addresses apply to every file before the rewrite', () => {
    const included = [{ file: '/cfg/vip.inc', text: 'virtual_ipaddress {\n  192.0.2.100/24\n}\n' }];
    const out = rewrite('vrrp_instance VI_1 {\n  interface ens3\n  include vip.inc\n}\n', { included, transform: (t) => t.replaceAll('192.0.2.100', '198.51.100.100') });
    expect(fileOf(out, '/cfg/vip.inc')).toContain('198.51.100.100/24');
  });
});
