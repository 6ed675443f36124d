import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConfigs, loadConfig } from './index.js';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-config-'));
  mkdirSync(join(dir, 'etc', 'conf.d'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'keepalived.conf'), 'global_defs {\n router_id lb1\n}\ninclude conf.d/*.conf\n');
  writeFileSync(join(dir, 'etc', 'conf.d', '10-vi.conf'), 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n bogus_keyword\n virtual_ipaddress {\n  192.0.2.7\n }\n}\n');
  writeFileSync(join(dir, 'etc', 'conf.d', 'notes.txt'), 'not a config\n');
  writeFileSync(join(dir, 'etc', 'other.conf'), '[section]\nkey = value\n');
  writeFileSync(join(dir, 'etc', 'exec.conf'), 'global_defs {\n}\n');
  chmodSync(join(dir, 'etc', 'exec.conf'), 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('reads includes relative to the including file and reports their own positions', () => {
    const r = loadConfig(join(dir, 'etc', 'keepalived.conf'));
    expect(r.files).toEqual([join(dir, 'etc', 'keepalived.conf'), join(dir, 'etc', 'conf.d', '10-vi.conf')]);
    expect(r.model.vrrpInstances[0]?.virtualRouterId?.value).toBe(7);
    const unknown = r.diagnostics.find((d) => d.code === 'unknown-keyword');
    expect([unknown?.file, unknown?.line]).toEqual([join(dir, 'etc', 'conf.d', '10-vi.conf'), 4]);
  });

  it('turns an unreadable file into a file-unreadable diagnostic', () => {
    const r = loadConfig(join(dir, 'missing.conf'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['file-unreadable']);
    expect(r.model.vrrpInstances).toEqual([]);
    expect(loadConfig(join(dir, 'etc')).diagnostics.map((d) => d.code)).toEqual(['file-unreadable']);
  });

  it('reports an executable configuration file, which keepalived refuses', () => {
    expect(loadConfig(join(dir, 'etc', 'exec.conf')).diagnostics.map((d) => d.code)).toEqual(['config-executable']);
  });
});

describe('findConfigs', () => {
  it('finds *.conf files that look like keepalived configurations', () => {
    expect(findConfigs(dir)).toEqual([
      join(dir, 'etc', 'conf.d', '10-vi.conf'),
      join(dir, 'etc', 'exec.conf'),
      join(dir, 'etc', 'keepalived.conf'),
    ]);
  });

  it('returns nothing for a directory that does not exist', () => {
    expect(findConfigs(join(dir, 'nope'))).toEqual([]);
  });
});
