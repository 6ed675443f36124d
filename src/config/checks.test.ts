/**
 * Per-keyword checks (the handlers keepalived runs while reading), each on
 * the line keepalived reports.
 */
import { describe, expect, it } from 'vitest';
import { codesAt, errors, instance, parse } from './config.test-utils.js';

const base = ' interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.1\n }';
/** An instance whose line 2 is `line` (the rest is valid). */
const withLine = (line: string): ReturnType<typeof parse> => parse(instance(`${line}\n${base}`));

describe('state and priority', () => {
  it("reports an unknown state and keeps BACKUP (seed 004's state EQUAL)", () => {
    const r = withLine(' state EQUAL');
    expect(codesAt(r, 2)).toEqual(['state-invalid']);
    expect(r.diagnostics.find((d) => d.code === 'state-invalid')?.message).toContain("unknown state 'EQUAL'; keepalived defaults to BACKUP");
    expect(r.model.vrrpInstances[0]?.effective?.state).toBe('BACKUP');
  });

  it('ignores BACKUP after MASTER', () => {
    const r = parse(instance(` state MASTER\n state BACKUP\n priority 100\n${base}`));
    expect(codesAt(r, 3)).toEqual(['state-conflict']);
    expect(r.model.vrrpInstances[0]?.state?.value).toBe('MASTER');
  });

  it('rejects priority 0 and 256 and uses 100', () => {
    for (const p of ['0', '256', 'abc', '-5']) {
      const r = withLine(` priority ${p}`);
      expect(codesAt(r, 2)).toEqual(['priority-invalid']);
      expect(r.model.vrrpInstances[0]?.effective?.priority).toBe(100);
    }
  });

  it('gives state MASTER without priority the owner priority 255', () => {
    const r = withLine(' state MASTER');
    expect(r.model.vrrpInstances[0]?.effective).toMatchObject({ state: 'MASTER', priority: 255 });
    expect(codesAt(r, 2)).toEqual(['master-without-priority']);
  });
});

describe('numbers with per-keyword ranges', () => {
  it.each([
    [' virtual_router_id 300', 'vrid-invalid'],
    [' advert_int 300', 'advert-int-invalid'],
    [' advert_int 0', 'advert-int-invalid'],
    [' preempt_delay 1001', 'preempt-delay-invalid'],
    [' down_timer_adverts 0', 'down-timer-adverts-invalid'],
    [' unicast_ttl 300', 'unicast-ttl-invalid'],
    [' garp_master_delay 5x', 'garp-invalid'],
    [' garp_master_repeat 0', 'garp-repeat-zero'],
    [' version 4', 'version-invalid'],
  ])('%s → %s', (line, code) => {
    expect(codesAt(withLine(line), 2)).toContain(code);
  });

  it('reports too many decimal places as a warning and keeps the rounded value', () => {
    const r = withLine(' preempt_delay 1.0000005');
    expect(r.diagnostics.find((d) => d.line === 2)).toMatchObject({ code: 'number-too-many-decimals', severity: 'warning' });
    expect(r.model.vrrpInstances[0]?.preemptDelayUs?.value).toBe(1_000_001);
  });

  it('checks vrrp_script ranges', () => {
    const r = parse('vrrp_script chk {\n script "/bin/true"\n weight -300\n rise 0\n fall x\n interval 0\n}\n');
    expect(codesAt(r, 3)).toEqual(['script-weight-invalid']);
    expect(codesAt(r, 4)).toEqual(['script-rise-invalid']);
    expect(codesAt(r, 5)).toEqual(['script-fall-invalid']);
    expect(codesAt(r, 6)).toEqual(['script-interval-zero']);
  });

  it('rejects vrrp_garp_interval 0 in global_defs', () => {
    expect(codesAt(parse('global_defs {\n vrrp_garp_interval 0\n vrrp_gna_interval 0\n}\n'), 2)).toEqual(['garp-interval-invalid']);
  });
});

describe('authentication', () => {
  it('warns that auth_pass is truncated to 8 characters, and uses the first 8', () => {
    const r = parse(instance(` authentication {\n  auth_type PASS\n  auth_pass verylongpassword123\n }\n${base}`));
    expect(r.diagnostics.find((d) => d.line === 4)).toMatchObject({ code: 'auth-pass-truncated', severity: 'warning' });
    expect(r.model.vrrpInstances[0]?.effective?.auth).toEqual({ type: 'PASS', key: 'verylong' });
  });

  it('rejects an unknown auth_type', () => {
    const r = parse(instance(` authentication {\n  auth_type XYZ\n  auth_pass x\n }\n${base}`));
    expect(codesAt(r, 3)).toEqual(['auth-type-invalid']);
    expect(r.model.vrrpInstances[0]?.effective?.auth).toEqual({ type: 'none' });
  });
});

describe('addresses', () => {
  const vips = (lines: string): ReturnType<typeof parse> =>
    parse(instance(` interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n${lines}\n }`));

  it('accepts addresses with options and one per line', () => {
    const r = vips('  192.0.2.1/24 brd 192.0.2.255 dev eth0 label eth0:1\n  192.0.2.2');
    expect(errors(r)).toEqual([]);
    expect(r.model.vrrpInstances[0]?.virtualIpaddresses.map((a) => [a.address, a.prefixLength, a.dev?.value])).toEqual([
      ['192.0.2.1', 24, 'eth0'], ['192.0.2.2', 32, undefined],
    ]);
  });

  it('reports an invalid prefix length and uses /32', () => {
    const r = vips('  192.0.2.103/33');
    expect(codesAt(r, 5)).toEqual(['address-prefix-invalid']);
    expect(r.model.vrrpInstances[0]?.virtualIpaddresses[0]?.prefixLength).toBe(32);
  });

  it('reports invalid addresses (placeholders) and skips them', () => {
    const r = vips('  <VIP_ADDRESS>\n  300.1.1.1');
    expect(codesAt(r, 5)).toEqual(['address-invalid']);
    expect(codesAt(r, 6)).toEqual(['address-invalid']);
  });

  it('reports a second address on one line as an unknown option', () => {
    expect(codesAt(vips('  192.0.2.101/24 192.0.2.102/24'), 5)).toEqual(['address-option-unknown']);
  });

  it('rejects an address of the other family', () => {
    expect(codesAt(vips('  192.0.2.1\n  2001:db8::1/64'), 6)).toEqual(['address-family-mismatch']);
  });

  it("deprecates 'gw' in routes and says untracked routes are not tracked", () => {
    const r = parse(instance(`${base}\n virtual_routes {\n  192.0.2.0/24 gw 192.0.2.254 dev eth0\n  198.51.100.0/24 via 192.0.2.254\n }`));
    expect(codesAt(r, 8)).toEqual(['route-gw-deprecated']);
    expect(codesAt(r, 9)).toEqual(['route-untracked']);
  });

  it('asks for a rule preference', () => {
    const r = parse(instance(`${base}\n virtual_rules {\n  from 192.0.2.0/24 table 100\n }`));
    expect(codesAt(r, 8)).toEqual(['rule-no-preference']);
  });
});

describe('tracking', () => {
  it('does not find a vrrp_script defined after the instance, and reports the script unused', () => {
    const r = parse(`${instance(`${base}\n track_script {\n  chk\n }`)}vrrp_script chk {\n script "/bin/true"\n}\n`);
    expect(codesAt(r, 8)).toEqual(['track-script-not-found']);
    expect(r.diagnostics.find((d) => d.code === 'track-script-not-found')?.message).toContain('defined later, at line 11');
    expect(r.diagnostics.find((d) => d.code === 'script-unused')?.line).toBe(11);
  });

  it('reads weights, reverse and ±254 on tracking lines', () => {
    const r = parse(`vrrp_script chk {\n script "/bin/true"\n weight 5\n}\n${instance(`${base}\n track_script {\n  chk weight 254 reverse\n }`)}`);
    expect(codesAt(r, 12)).toEqual(['track-weight-254']);
    expect(r.model.vrrpInstances[0]?.effective?.trackScripts).toEqual([{ name: 'chk', weight: 253, reverse: true }]);
  });

  it("reports 'weight=2' (no space) as an unknown option", () => {
    const r = parse(`vrrp_script chk {\n script "/bin/true"\n}\n${instance(`${base}\n track_script {\n  chk weight=2\n }`)}`);
    expect(codesAt(r, 11)).toEqual(['track-option-unknown']);
  });

  it('removes a vrrp_script without script, so tracking it fails', () => {
    const r = parse(`vrrp_script chk {\n interval 2\n}\n${instance(`${base}\n track_script {\n  chk\n }`)}`);
    expect(codesAt(r, 3)).toEqual(['script-missing-command']);
    expect(codesAt(r, 11)).toEqual(['track-script-not-found']);
  });

  it('warns that only the first word of an unquoted script runs', () => {
    const r = parse('vrrp_script chk {\n script /usr/bin/killall -0 haproxy\n}\n');
    expect(codesAt(r, 2)).toEqual(['script-extra-words']);
    expect(r.model.vrrpScripts[0]?.script?.value).toBe('/usr/bin/killall');
  });
});

describe('deprecated keywords', () => {
  it.each([
    ['vrrp_instance', ' lvs_sync_daemon_interface eth0'],
    ['vrrp_instance', ' linkbeat_use_polling'],
  ])('%s: %s', (_where, line) => {
    const r = withLine(line);
    expect(r.diagnostics.find((d) => d.line === 2)).toMatchObject({ code: 'deprecated-keyword', severity: 'warning' });
  });

  it('vrrp_track_file', () => {
    expect(codesAt(parse('vrrp_track_file f {\n file /var/run/keepalived.track\n}\n'), 1)).toEqual(['deprecated-keyword']);
  });

  it('nb_get_retry in HTTP_GET, and is unknown in TCP_CHECK', () => {
    const r = parse([
      'virtual_server 192.0.2.1 80 {', ' protocol TCP', ' lb_algo rr', ' lb_kind DR',
      ' real_server 192.0.2.2 80 {', '  HTTP_GET {', '   url {', '    path /', '   }', '   nb_get_retry 3', '  }',
      '  TCP_CHECK {', '   nb_get_retry 3', '  }', ' }', '}', '',
    ].join('\n'));
    expect(codesAt(r, 10)).toEqual(['nb-get-retry-deprecated']);
    expect(codesAt(r, 13)).toEqual(['unknown-keyword']);
  });
});

describe('unicast', () => {
  it('rejects a peer of the other family and a min_ttl above max_ttl', () => {
    const r = parse(instance(`${base}\n unicast_src_ip 192.0.2.10\n unicast_peer {\n  2001:db8::3\n  192.0.2.11 min_ttl 250 max_ttl 240\n }`));
    expect(codesAt(r, 9)).toEqual(['address-family-mismatch']);
    expect(codesAt(r, 10)).toEqual(['unicast-peer-ttl-range']);
    expect(r.model.vrrpInstances[0]?.effective?.unicast).toBe(true);
  });

  it('falls back to multicast when a unicast keyword has no peers', () => {
    const r = parse(instance(`${base}\n unicast_src_ip 192.0.2.10`));
    expect(codesAt(r, 7)).toEqual(['unicast-without-peers']);
    expect(r.model.vrrpInstances[0]?.effective?.unicast).toBe(false);
  });
});
