import { describe, expect, it } from 'vitest';
import { rewriteKeepalivedConfig } from './keepalived-config.js';

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

describe('rewriteKeepalivedConfig', () => {
  const interfaces = new Map([['ens3', 'eth0'], ['ens4', 'eth1']]);
  const out = rewriteKeepalivedConfig(CONF, { interfaces });

  it('maps interface names everywhere they are named', () => {
    expect(out).toContain('    interface eth0');
    expect(out).toContain('192.0.2.100/24 dev eth0');
    expect(out).toContain('198.51.100.100/24 dev eth1 label eth1:1');
    expect(out).toMatch(/^\s+eth1 weight -10$/m);
    expect(out).not.toMatch(/\bens3\b/);
  });

  it('replaces scripts with the stub and notify hooks with the lab hook, once per instance', () => {
    expect(out).toContain('script "/lab/bin/script-stub chk"');
    expect(out).not.toMatch(/^\s*script "\/lab\/check/m);
    expect(out.match(/^\s*notify \/lab\/bin\/notify\.sh$/gm)).toHaveLength(1);
    expect(out).not.toMatch(/^\s*notify_master/m);
    // the instance's `notify` goes inside the instance block, after its brace
    expect(out).toMatch(/vrrp_instance VI_1\n\{\n {4}notify \/lab\/bin\/notify\.sh\n/);
  });

  it('keeps every line the user wrote (line numbers shift only by the two lines added per instance)', () => {
    const userPart = out.slice(0, out.indexOf('# lab: priority changes'));
    expect(userPart.trimEnd().split('\n')).toHaveLength(CONF.trimEnd().split('\n').length + 2);
  });

  it('asks for priority changes on the lab FIFO instead of the user\'s', () => {
    expect(out).toMatch(/vrrp_instance VI_1\n\{\n {4}notify \/lab\/bin\/notify\.sh\n {4}notify_priority_changes\n/);
    expect(out).toContain('# lab: the notify FIFO is the lab\'s: vrrp_notify_fifo /run/my.fifo');
    expect(out).toMatch(/global_defs \{\n {4}vrrp_notify_fifo \/lab\/notify\.fifo\n {4}vrrp_notify_fifo_script \/lab\/bin\/notify-fifo\.sh\n\}\n$/);
  });

  it('keeps the real script when asked', () => {
    expect(rewriteKeepalivedConfig(CONF, { interfaces, realScripts: true })).toContain('script "/lab/check chk"');
  });
});
