import { describe, expect, it } from 'vitest';
import { LineReader, splitPhysical, MAX_LINE_BYTES } from './lexer.js';
import { DiagnosticSink } from './source.js';
import { codesAt, memoryFs, parse } from './config.test-utils.js';
import type { FileSystemView } from './glob.js';

function lines(text: string, options: { configId?: string; fs?: FileSystemView; file?: string } = {}): { words: string[][]; sink: DiagnosticSink; at: string[] } {
  const sink = new DiagnosticSink();
  const r = new LineReader(options.file ?? 'k.conf', text, { reporter: sink, ...options });
  const words: string[][] = [];
  const at: string[] = [];
  for (let l = r.next(); l; l = r.next()) {
    words.push(l.tokens.map((t) => t.text));
    at.push(l.tokens.map((t) => `${t.loc.file}:${t.loc.line}:${t.loc.column}`).join(' '));
  }
  return { words, sink, at };
}

describe('comments', () => {
  it('strips # and ! comments and surrounding blanks', () => {
    expect(lines('  priority 100 # note\n! whole line\n\tstate MASTER ! x\n').words).toEqual([['priority', '100'], ['state', 'MASTER']]);
  });

  it('keeps # and ! inside double quotes', () => {
    expect(lines('auth_pass "a#b!c"\n').words).toEqual([['auth_pass', 'a#b!c']]);
  });

  it("treats # inside single quotes as a comment (only double quotes count)", () => {
    expect(lines("script 'echo #x'\n").words).toEqual([['script', "'echo"]]);
  });

  it('turns \\# and \\! into literal characters outside quotes', () => {
    expect(lines('notify a\\#b\\!c\n').words).toEqual([['notify', 'a#b!c']]);
  });

  it('reports an odd number of double quotes as unterminated', () => {
    const r = lines('script "abc\n');
    expect(r.sink.diagnostics.map((d) => d.code)).toContain('unterminated-quote');
  });

  it('keeps a trailing backslash on ordinary lines (keepalived then rejects the number)', () => {
    const r = parse('vrrp_instance V {\n priority 100 \\\n}\n');
    expect(codesAt(r, 2)).toContain('priority-invalid');
  });
});

describe('words and quotes', () => {
  it('splits on whitespace and keeps a double-quoted string as one word', () => {
    expect(lines('script "/bin/check a b"  extra\n').words).toEqual([['script', '/bin/check a b', 'extra']]);
  });

  it('reports an unmatched quote and drops the rest of the line', () => {
    const r = parse('global_defs {\n router_id "abc"de"\n}\n');
    expect(codesAt(r, 2)).toContain('unmatched-quote');
  });

  it('gives every word its column, also after comment removal', () => {
    expect(lines('  state  MASTER\n').at).toEqual(['k.conf:1:3 k.conf:1:10']);
  });
});

describe('brace splitting', () => {
  it('puts every brace outside quotes on a line of its own', () => {
    expect(lines('virtual_ipaddress { 192.0.2.1 }\n').words).toEqual([['virtual_ipaddress'], ['{'], ['192.0.2.1'], ['}']]);
  });

  it('does not split on braces inside double quotes', () => {
    expect(lines('script "a{b}c"\n').words).toEqual([['script', 'a{b}c']]);
  });

  it('splits "2811{" from the port', () => {
    expect(lines('virtual_server 192.0.2.1 2811{\n}\n').words).toEqual([['virtual_server', '192.0.2.1', '2811'], ['{'], ['}']]);
  });

  it('reports an extra closing brace at depth zero', () => {
    const r = lines('}\n');
    expect(r.sink.diagnostics.map((d) => d.code)).toEqual(['extra-close-brace']);
  });
});

describe('line endings and odd input', () => {
  it('accepts CRLF line endings', () => {
    const r = parse('vrrp_instance V {\r\n  state BACKUP\r\n  interface eth0\r\n  virtual_router_id 1\r\n  virtual_ipaddress {\r\n  192.0.2.1\r\n }\r\n}\r\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model.vrrpInstances[0]?.state?.value).toBe('BACKUP');
  });

  it('splits lines longer than 1023 bytes as keepalived does, and says so', () => {
    const long = `router_id ${'x'.repeat(1100)} tail`;
    const chunks = splitPhysical(`${long}\n`);
    expect(chunks.length).toBe(2);
    expect(chunks[0]?.text.length).toBe(MAX_LINE_BYTES);
    const r = parse(`global_defs {\n${long}\n}\n`);
    expect(codesAt(r, 2)).toContain('line-too-long');
    // keepalived reads the second piece as a keyword of its own
    expect(codesAt(r, 2)).toContain('unknown-keyword');
  });

  it('cuts a character at the byte keepalived cuts it, comment lines included (real keepalived -t: test/fixtures/keepalived-t)', () => {
    // '# ' + 1020 x is 1022 bytes: the first é (2 bytes) straddles byte 1023
    const chunks = splitPhysical(`# ${'x'.repeat(1020)}${'é'.repeat(10)} router_id\n`);
    expect(chunks.map((c) => c.text)).toEqual([`# ${'x'.repeat(1020)}\uFFFD`, `\uFFFD${'é'.repeat(9)} router_id`]);
    // keepalived -t: (Line 2) Unknown keyword '\uFFFDééééééééé' — the comment's second piece is live text
    const r = parse(`global_defs {\n# ${'x'.repeat(1020)}${'é'.repeat(10)} router_id\n}\n`);
    expect(r.diagnostics.find((d) => d.code === 'unknown-keyword')?.message).toContain(`'\uFFFD${'é'.repeat(9)}'`);
    // a 3-byte character cut after its first byte leaves two orphaned bytes
    expect(splitPhysical(`${'x'.repeat(1022)}€\n`).map((c) => c.text)).toEqual([`${'x'.repeat(1022)}\uFFFD`, '\uFFFD\uFFFD']);
    // a boundary between characters cuts nothing
    expect(splitPhysical(`${'x'.repeat(1021)}éy\n`).map((c) => c.text)).toEqual([`${'x'.repeat(1021)}é`, 'y']);
  });

  it('ends a line at a NUL byte and never throws on binary noise', () => {
    expect(lines('state MASTER\u0000junk\n').words).toEqual([['state', 'MASTER']]);
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      let s = '';
      for (let i = 0; i < 300; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        s += String.fromCharCode(seed % 0x3000);
      }
      expect(() => parse(s)).not.toThrow();
    }
  });
});

describe('definitions', () => {
  it('replaces $NAME and ${NAME} and leaves unknown names alone', () => {
    expect(lines('$IF=eth0\ninterface $IF\ninterface ${IF}\ninterface $OTHER\n').words).toEqual([
      ['interface', 'eth0'], ['interface', 'eth0'], ['interface', '$OTHER'],
    ]);
  });

  it('does not replace $NAME followed by other characters', () => {
    expect(lines('$VIP=192.0.2.1\n$VIP/24\n').words).toEqual([['$VIP/24']]);
  });

  it('expands a multi-line definition used alone on a line', () => {
    expect(lines('$BLOCK=state BACKUP \\\n  priority 90\n$BLOCK\n').words).toEqual([['state', 'BACKUP'], ['priority', '90']]);
  });

  it('keeps the column of the $ for substituted words', () => {
    expect(lines('$IF=eth0\n   interface $IF\n').at).toEqual(['k.conf:2:4 k.conf:2:14']);
  });

  it('stops a definition that expands to itself', () => {
    const r = lines('$A=x $A\ny $A\n');
    expect(r.sink.diagnostics.map((d) => d.code)).toContain('substitution-loop');
  });
});

describe('@config-id lines', () => {
  it('keeps @id lines only for the matching config-id, and @^id lines for the others', () => {
    const text = '@lb1 priority 200\n@lb2 priority 100\n@^lb1 state BACKUP\n';
    expect(lines(text, { configId: 'lb1' }).words).toEqual([['priority', '200']]);
    expect(lines(text, { configId: 'lb2' }).words).toEqual([['priority', '100'], ['state', 'BACKUP']]);
  });

  it('without a config-id skips @id lines, keeps @^id lines, and notes it once per id', () => {
    const r = lines('@a x 1\n@a y 2\n@^a z 3\n');
    expect(r.words).toEqual([['z', '3']]);
    expect(r.sink.diagnostics.filter((d) => d.code === 'config-id-skipped').length).toBe(1);
  });
});

describe('include', () => {
  const fs = memoryFs({
    '/etc/keepalived/keepalived.conf': 'include conf.d/*.conf\nglobal_defs {\n}\n',
    '/etc/keepalived/conf.d/a.conf': 'router_id_a\n',
    '/etc/keepalived/conf.d/b.conf': 'router_id_b\n',
    '/etc/keepalived/loop1.conf': 'include loop2.conf\n',
    '/etc/keepalived/loop2.conf': 'include loop1.conf\n',
    '/etc/keepalived/br.conf': 'include {x,y}.inc\n',
    '/etc/keepalived/x.inc': 'from_x\n',
    '/etc/keepalived/y.inc': 'from_y\n',
  });

  it('reads glob matches in order, relative to the including file, keeping each file position', () => {
    const r = lines(fs.readFile('/etc/keepalived/keepalived.conf') ?? '', { fs, file: '/etc/keepalived/keepalived.conf' });
    expect(r.words).toEqual([['router_id_a'], ['router_id_b'], ['global_defs'], ['{'], ['}']]);
    expect(r.at[0]).toBe('/etc/keepalived/conf.d/a.conf:1:1');
  });

  it('expands braces', () => {
    const r = lines('include {x,y}.inc\n', { fs, file: '/etc/keepalived/br.conf' });
    expect(r.words).toEqual([['from_x'], ['from_y']]);
  });

  it('reports and cuts include cycles', () => {
    const r = lines('include loop2.conf\n', { fs, file: '/etc/keepalived/loop1.conf' });
    expect(r.sink.diagnostics.map((d) => d.code)).toContain('include-cycle');
  });

  it('reports missing includes: a warning for include, an error for includer', () => {
    const r = parse('include /nope/x.conf\nincluder /nope/y.conf\n', { fs });
    const missing = r.diagnostics.filter((d) => d.code === 'include-missing');
    expect(missing.map((d) => [d.line, d.severity])).toEqual([[1, 'warning'], [2, 'error']]);
  });

  it('skips executable included files', () => {
    const xfs = memoryFs({ '/k/main.conf': 'include run.conf\n', '/k/run.conf': 'x\n' }, ['/k/run.conf']);
    const r = parse('include run.conf\n', { fs: xfs, file: '/k/main.conf' });
    expect(codesAt(r, 1, '/k/main.conf')).toContain('include-not-regular');
  });

  it('treats includet as an unknown keyword', () => {
    expect(codesAt(parse('includet x.conf\n', { fs }), 1)).toContain('unknown-keyword');
  });

  it('lists includes as not checked when no file reader is given', () => {
    const r = parse('include other.conf\n');
    expect(r.notChecked.map((n) => n.check)).toEqual(['include']);
  });
});
