/**
 * One list of event words (trial finding F9): what the parser accepts, what
 * `simulate --help` prints, the "known words" hint and the README all come from,
 * or are checked against, EVENT_WORD_USAGE — `end` included.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { EVENT_WORD_USAGE } from '../../src/scenario/events.js';

const WORDS = Object.keys(EVENT_WORD_USAGE);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('event words', () => {
  it('include end', () => {
    expect(WORDS).toContain('end');
    expect(WORDS).toContain('clients');
  });

  it('are all listed by simulate --help', async () => {
    const r = await run('simulate', '--help');
    for (const w of WORDS) expect(r.out).toMatch(new RegExp(`^ {2}T ${w}\\b`, 'm'));
  });

  it('are all named by the hint for an unknown word', async () => {
    const r = await run('simulate', '--node', 'a=scenarios/classic/prio150.conf', '--event', '6 explode a');
    expect(r.code).toBe(2);
    const hint = /known words: (.*)/.exec(r.out + r.err)?.[1] ?? '';
    expect(hint.split(', ').map((w) => w.trim())).toEqual(WORDS);
  });

  it('are all in the README, and the README names no other', () => {
    const para = /Event words[^\n]*\n(?:[^\n]+\n)*/.exec(README)?.[0] ?? '';
    const named = [...para.matchAll(/`T ([a-z|]+)/g)].flatMap((m) => m[1]!.split('|'));
    expect([...named].sort()).toEqual([...WORDS].sort());
  });
});
