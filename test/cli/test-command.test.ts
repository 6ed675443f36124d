/**
 * `vrrp-lab test`: every scenario under scenarios/ as a suite, the summary line,
 * the exit status, and the JUnit report (read back with the project's own XML
 * reader: well formed, one testcase per expect line, the failure text the
 * matcher's message).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { cdata, renderJunit, xmlAttribute } from '../../src/cli/render/junit.js';
import { parseXml, xmlAttrValue, xmlChildren, type XmlElement } from '../../src/config/xml.js';

const ROOT = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'vrrp-lab-test-cmd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every `expect` line of every .scenario under a folder. */
function expectLines(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.scenario'))
    .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => /^\s*expect\s/.test(l)).length, 0);
}

const cases = (suite: XmlElement): XmlElement[] => xmlChildren(suite, 'testcase');

describe('vrrp-lab test', { timeout: 120_000 }, () => {
  it('runs every scenario under scenarios/: one line each, the summary counts them all, JUnit has a testcase per expect line', async () => {
    const io = captureIo({ cwd: ROOT });
    const junit = join(scratch, 'all.xml');
    expect(await main(['test', 'scenarios/', '--junit', junit], io)).toBe(0);
    const files = readdirSync(join(ROOT, 'scenarios'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.scenario'));
    expect(io.out().split('\n').filter((l) => l.startsWith('PASS ')).length).toBe(files.length);
    expect(io.out().trimEnd().split('\n').at(-1)).toBe(`${files.length} passed, 0 failed`);
    const doc = parseXml(readFileSync(junit, 'utf8'), { file: junit });
    expect(doc.root.name).toBe('testsuites');
    const suites = xmlChildren(doc.root, 'testsuite');
    expect(suites.length).toBe(files.length);
    expect(suites.reduce((n, s) => n + cases(s).length, 0)).toBe(expectLines(join(ROOT, 'scenarios')));
    expect(xmlAttrValue(doc.root, 'failures')).toBe('0');
  });

  it('a broken expectation: exit 1, the file and line named, the timeline excerpt and the rerun command, and the JUnit failure carries the same text', async () => {
    const dir = join(scratch, 'broken');
    cpSync(join(ROOT, 'scenarios', 'classic'), dir, { recursive: true });
    const file = join(dir, 'master-crash.scenario');
    writeFileSync(file, readFileSync(file, 'utf8').replace('expect 10 holder 192.0.2.100 lb2', 'expect 10 holder 192.0.2.100 lb1'));
    const io = captureIo({ cwd: scratch });
    expect(await main(['test', 'broken', '--junit', 'broken.xml'], io)).toBe(1);
    const out = io.out();
    expect(out).toMatch(/^FAIL broken\/master-crash\.scenario {2}1 of 6 expectations failed/m);
    expect(out).toContain('broken/master-crash.scenario:15:8: expected: at 10 s, 192.0.2.100 is held by lb1\n');
    expect(out).toContain('reproduce with: npx vrrp-lab simulate broken/master-crash.scenario --seed 1');
    expect(out.trimEnd().split('\n').at(-1)).toBe('9 passed, 1 failed');
    const suite = xmlChildren(parseXml(readFileSync(join(scratch, 'broken.xml'), 'utf8')).root, 'testsuite').find((s) => xmlAttrValue(s, 'name') === 'broken/master-crash.scenario') as XmlElement;
    const failed = cases(suite).filter((c) => xmlChildren(c, 'failure').length > 0);
    expect(failed.map((c) => xmlAttrValue(c, 'line'))).toEqual(['15']);
    const failure = xmlChildren(failed[0] as XmlElement, 'failure')[0] as XmlElement;
    expect(failure.text).toContain('timeline around 10 s');
    expect(failure.text).toContain('reproduce with: npx vrrp-lab simulate broken/master-crash.scenario --seed 1');
  });

  it('a scenario that cannot run counts as failed, with its file:line:col; cluster scenarios are skipped on docker only', async () => {
    const dir = join(scratch, 'bad');
    cpSync(join(ROOT, 'scenarios', 'classic'), dir, { recursive: true });
    writeFileSync(join(dir, 'typo.scenario'), 'node lb1 prio150.conf\nnode lb2 prio100.conf\n6 kil lb1\n');
    const io = captureIo({ cwd: scratch });
    expect(await main(['test', 'bad/typo.scenario', 'bad/master-crash.scenario'], io)).toBe(1);
    expect(io.out()).toMatch(/FAIL bad\/typo\.scenario {2}cannot run\n {4}bad\/typo\.scenario:3:3: error: /);
    expect(io.out().trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('usage errors exit 2: a missing path, a folder without scenarios, an unknown backend', async () => {
    for (const args of [['test', 'no-such-dir'], ['test', scratch + '/empty-none'], ['test', '--backend', 'vm', 'scenarios']]) {
      const io = captureIo({ cwd: ROOT });
      expect(await main(args, io)).toBe(2);
      expect(io.err()).toMatch(/vrrp-lab test: error|error:/);
    }
  });
});

describe('the JUnit writer', () => {
  it('escapes attributes, splits ]]> in CDATA and drops characters XML 1.0 forbids', () => {
    expect(xmlAttribute(`a<b & "c" 'd'>\n`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;');
    expect(cdata('x ]]> y\u0000\u0007z')).toBe('<![CDATA[x ]]]]><![CDATA[> y z]]>'.replace(' z', 'z'));
    const xml = renderJunit('t', [{ name: 's', cases: [{ name: 'c <1>', classname: 'k', failures: [{ text: 'first\n]]> and \u0001 more' }] }, { name: 'd', classname: 'k', skipped: 'why' }] }]);
    const root = parseXml(xml).root;
    expect(xmlAttrValue(root, 'tests')).toBe('2');
    expect(xmlAttrValue(root, 'failures')).toBe('1');
    expect(xmlAttrValue(root, 'skipped')).toBe('1');
    const failure = xmlChildren(xmlChildren(xmlChildren(root, 'testsuite')[0] as XmlElement, 'testcase')[0] as XmlElement, 'failure')[0] as XmlElement;
    expect(xmlAttrValue(failure, 'message')).toBe('first');
    expect(failure.text).toBe('first\n]]> and  more');
  });
});

describe('--junit on simulate, run and validate', { timeout: 60_000 }, () => {
  it('simulate FILE --junit: one testsuite, a testcase per expect line', async () => {
    const io = captureIo({ cwd: ROOT });
    const junit = join(scratch, 'simulate.xml');
    expect(await main(['simulate', 'scenarios/classic/master-crash.scenario', '--junit', junit], io)).toBe(0);
    const suites = xmlChildren(parseXml(readFileSync(junit, 'utf8')).root, 'testsuite');
    expect(suites.map((s) => xmlAttrValue(s, 'name'))).toEqual(['scenarios/classic/master-crash.scenario']);
    expect(cases(suites[0] as XmlElement).map((c) => xmlAttrValue(c, 'line'))).toEqual(['13', '14', '15', '16', '17', '18']);
  });

  it('run --backend sim --junit writes the same report', async () => {
    const io = captureIo({ cwd: ROOT });
    const junit = join(scratch, 'run.xml');
    expect(await main(['run', '--backend', 'sim', 'scenarios/classic/master-crash.scenario', '--junit', junit], io)).toBe(0);
    expect(cases(xmlChildren(parseXml(readFileSync(junit, 'utf8')).root, 'testsuite')[0] as XmlElement)).toHaveLength(6);
  });

  it('validate --junit: a testcase per file, a failure per error with file:line:col', async () => {
    const bad = join(scratch, 'bad.conf');
    writeFileSync(bad, 'vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 300\n  priority 100\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n');
    const io = captureIo({ cwd: ROOT });
    const junit = join(scratch, 'validate.xml');
    expect(await main(['validate', '--separate', 'scenarios/classic/prio150.conf', bad, '--junit', junit], io)).toBe(1);
    const tcs = cases(xmlChildren(parseXml(readFileSync(junit, 'utf8')).root, 'testsuite')[0] as XmlElement);
    expect(tcs).toHaveLength(2);
    expect(xmlChildren(tcs[0] as XmlElement, 'failure')).toHaveLength(0);
    const failures = xmlChildren(tcs[1] as XmlElement, 'failure');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.map((f) => xmlAttrValue(f, 'message')).join('\n')).toMatch(/bad\.conf:\d+:\d+: error\[vrid-/);
  });
});
