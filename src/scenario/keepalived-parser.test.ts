import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepalivedParser } from './keepalived-parser.js';
import { configFile, scenario } from './scenario.js';
import { prepareScenario } from './topology.js';

const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-parser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHARED = 'vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n@lb1 priority 150\n@lb2 priority 100\n  virtual_ipaddress { $VIP }\n}\n';
mkdirSync(join(dir, 'conf.d'));
writeFileSync(join(dir, 'conf.d', '20-vi1.conf'), SHARED);
writeFileSync(join(dir, 'conf.d', '10-empty.conf'), '# nothing yet\n');
writeFileSync(join(dir, 'node.conf'), '$VIP=192.0.2.100/24\ninclude conf.d/*.conf\n');

describe('keepalivedParser for scenarios', () => {
  it('reads @id lines with the node\'s name as config-id, as keepalived on a host of that name', () => {
    const prepared = prepareScenario(
      scenario('shared').node('lb1', configFile(join(dir, 'node.conf'))).node('lb2', configFile(join(dir, 'node.conf'))).until(10).build(),
      { parse: keepalivedParser },
    );
    expect(prepared.nodes.map((n) => `${n.id} ${n.vrrp.instances[0]?.priority}`)).toEqual(['lb1 150', 'lb2 100']);
  });

  it('keeps the text of every included file, in the order keepalived reads them', () => {
    const r = keepalivedParser({ file: join(dir, 'node.conf'), text: '$VIP=192.0.2.100/24\ninclude conf.d/*.conf\n' }, { configId: 'lb1' });
    expect(r.included?.map((f) => f.file)).toEqual([join(dir, 'conf.d', '10-empty.conf'), join(dir, 'conf.d', '20-vi1.conf')]);
    expect(r.included?.[1]?.text).toBe(SHARED);
  });

  it('without a config-id, @id lines are skipped (validate\'s default)', () => {
    const r = keepalivedParser({ file: join(dir, 'node.conf'), text: '$VIP=192.0.2.100/24\ninclude conf.d/*.conf\n' });
    expect(r.model.vrrpInstances[0]?.priority).toBeUndefined();
  });
});
