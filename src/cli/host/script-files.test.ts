import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScriptFiles, programOf, type ScriptRef } from './script-files.js';

const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-scripts-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number, parent = dir): string {
  const p = join(parent, name);
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, mode);
  return p;
}

const ref = (command: string): ScriptRef => ({ command, role: 'vrrp_script chk', file: 'lb1.conf', line: 2, column: 12 });
const codes = (command: string, pathEnv?: string) => checkScriptFiles([ref(command)], pathEnv).map((d) => d.code);

describe('programOf', () => {
  it('takes the first word, honouring quotes', () => {
    expect(programOf('/usr/bin/pgrep nginx')).toBe('/usr/bin/pgrep');
    expect(programOf('"/opt/my tools/check" -q')).toBe('/opt/my tools/check');
    expect(programOf("  'x' y")).toBe('x');
  });
});

describe('checkScriptFiles', () => {
  it('accepts an executable file nobody else can write', () => {
    expect(codes(`${file('ok.sh', 0o755)} --arg`)).toEqual([]);
  });

  it('reports a missing program on the referring line', () => {
    const [d] = checkScriptFiles([ref(join(dir, 'missing.sh'))], undefined);
    expect(d).toMatchObject({ code: 'script-not-found', severity: 'error', file: 'lb1.conf', line: 2, column: 12 });
  });

  it('reports a file that is not executable', () => {
    expect(codes(file('noexec.sh', 0o644))).toEqual(['script-not-executable']);
  });

  it('reports a file writable by others, and a writable parent directory', () => {
    expect(codes(file('open.sh', 0o777))).toEqual(['script-insecure']);
    const open = join(dir, 'open-dir');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const [d] = checkScriptFiles([ref(file('inner.sh', 0o755, open))], undefined);
    expect(d?.message).toContain(`${open}/ is writable by group or others`);
  });

  it('allows a sticky world-writable directory such as /tmp', () => {
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    expect(codes(file('s.sh', 0o755, sticky))).toEqual([]);
  });

  it('finds a bare program name on PATH', () => {
    file('mycheck', 0o755);
    expect(codes('mycheck -x', dir)).toEqual([]);
    expect(codes('no-such-program-here', dir)).toEqual(['script-not-found']);
  });
});
