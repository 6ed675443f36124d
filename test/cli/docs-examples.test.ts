/**
 * The docs show real output: every marked example of README.md and docs/*.md is
 * rerun (scripts/docs-examples.ts) and must print what the document shows, byte
 * for byte. A failure names the document, the marker's line and the command that
 * regenerates the examples.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, findExamples, missingTools, REGENERATE, runExample, selectLines, shellWords } from '../../scripts/docs-examples.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('docs examples are the real output of their commands', () => {
  for (const doc of docFiles(ROOT)) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const lines = text.split('\n');
    const blocks = findExamples(text, doc).filter((b) => b.kind !== 'not-run');
    for (const block of blocks) {
      const what = block.kind === 'file' ? `file ${block.file}` : block.commands.join(' ; ');
      const missing = missingTools(block);
      it.skipIf(missing.length > 0)(`${doc}:${block.line} ${what}${missing.length > 0 ? ` (skipped: needs ${missing.join(', ')})` : ''}`, async () => {
        const shown = lines.slice(block.body.start, block.body.end).join('\n');
        const result = await runExample(block, ROOT);
        expect(shown, `${doc}:${block.line}: the example no longer matches its command's output; run \`${REGENERATE}\` and commit the result`).toBe(result.body);
        for (const k of result.kept) {
          const onDisk = existsSync(join(ROOT, k.to)) ? readFileSync(join(ROOT, k.to)) : Buffer.alloc(0);
          expect(onDisk.equals(k.bytes), `${k.to} (kept by ${doc}:${block.line}) differs from what the command writes now; run \`${REGENERATE}\``).toBe(true);
        }
      }, 60_000);
    }

    it(`${doc}: every block that shows a command and its output is marked`, () => {
      const marked = new Set(findExamples(text, doc).map((b) => b.body.start));
      const unmarked: string[] = [];
      let inFence = false;
      lines.forEach((line, i) => {
        if (!line.startsWith('```')) return;
        inFence = !inFence;
        if (inFence && lines[i + 1]?.startsWith('$ ') && !marked.has(i + 1)) unmarked.push(`${doc}:${i + 2}: ${lines[i + 1]}`);
      });
      expect(unmarked, `mark these with <!-- example … --> (scripts/docs-examples.ts says how) and run \`${REGENERATE}\``).toEqual([]);
    });
  }
});

describe('the example runner', () => {
  it('selectLines keeps the ranges and marks each gap', () => {
    const text = ['a', 'b', 'c', 'd', 'e', 'f'].join('\n');
    expect(selectLines(text, '1-2')).toBe('a\nb\n...');
    expect(selectLines(text, '2-3,$')).toBe('...\nb\nc\n...\nf');
    expect(selectLines(text, '$-1-$')).toBe('...\ne\nf');
    expect(selectLines(text, '1-$')).toBe(text);
    expect(selectLines(text, '/c/-/e/')).toBe('...\nc\nd\ne\n...');
    expect(selectLines(text, '/b|e/,/b|e/')).toBe('...\nb\n...\ne\n...');
    expect(() => selectLines(text, 'x-2')).toThrow(/not a line/);
    expect(() => selectLines(text, '/z/')).toThrow(/no line at or after 1 matches \/z\//);
  });

  it('a block opened with a longer fence ends at the same fence, so it may show ``` fences', () => {
    const [block] = findExamples('<!-- example file=x.md -->\n````\n# t\n```lab\nnode a a\n```\n````\ntail\n', 'x.md');
    expect(block?.body).toEqual({ start: 2, end: 6 });
  });

  it('shellWords reads quotes, pipes and a discarded stdout as sh does', () => {
    expect(shellWords(`vrrp-lab simulate --event "6 kill lb1" --json | jq -c '.a[]'`))
      .toEqual(['vrrp-lab', 'simulate', '--event', '6 kill lb1', '--json', '|', 'jq', '-c', '.a[]']);
    expect(shellWords('vrrp-lab x >/dev/null')).toEqual(['vrrp-lab', 'x', '>/dev/null']);
    expect(() => shellWords('vrrp-lab "x')).toThrow(/unclosed/);
  });

  it('a marker without its fenced block, or with an unknown option, is an error with its line', () => {
    expect(() => findExamples('text\n<!-- example\n$ vrrp-lab --help\n-->\ntext\n', 'x.md')).toThrow(/^x\.md:2: .*fenced block/);
    expect(() => findExamples('<!-- example colour=red\n$ vrrp-lab --help\n-->\n```\n```\n', 'x.md')).toThrow(/^x\.md:1: unknown example option 'colour'/);
  });

  it('runs vrrp-lab in-process in a scratch directory and shows stderr where a terminal would', async () => {
    const [block] = findExamples('<!-- example cwd=test/cli/fixtures/conflict\n$ vrrp-lab validate --quiet lb1.conf nope.conf >/dev/null\n-->\n```\nold\n```\n', 'x.md');
    const result = await runExample(block!, ROOT);
    expect(result.body.split('\n')[0]).toBe('$ vrrp-lab validate --quiet lb1.conf nope.conf >/dev/null');
    expect(result.body).toContain('nope.conf');
    expect(result.body).not.toContain('auth-pass-truncated'); // that finding went to the discarded stdout
  });
});
