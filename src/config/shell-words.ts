/**
 * keepalived's second tokenizer (lib/parser.c alloc_strvec_quoted_escaped),
 * used on the raw line of `script`, `notify*` and `misc_path`: words split on
 * whitespace, both quote kinds group, and backslash escapes (`\n`, `\t`,
 * `\xHH`, `\NNN` octal, `\cC` control, `\E` escape, anything else literal).
 * keepalived then takes word 1 and splits it again the same way to get the
 * command's argv.
 */

export type ShellWords = { readonly ok: true; readonly words: string[] } | { readonly ok: false; readonly error: string };

const WHITE = ' \t\f\n\r\v';
const SIMPLE: Readonly<Record<string, string>> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function tokenizeShell(src: string): ShellWords {
  const words: string[] = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && WHITE.includes(src[i] ?? '')) i++;
    if (i >= src.length) break;
    let word = '';
    let quote = '';
    while (i < src.length) {
      const c = src[i] ?? '';
      if (c === '\\') {
        const esc = escape(src, i + 1);
        if (!esc) return { ok: false, error: `missing escaped character at the end of '${src}'` };
        word += esc.text;
        i = esc.next;
        continue;
      }
      if (quote) {
        if (c === quote) quote = '';
        else word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (WHITE.includes(c)) break;
      word += c;
      i++;
    }
    if (quote) return { ok: false, error: `string '${src}' is missing its closing ${quote}` };
    words.push(word);
  }
  return { ok: true, words };
}

function escape(s: string, at: number): { text: string; next: number } | undefined {
  const c = s[at];
  if (c === undefined) return undefined;
  if (c === 'x' && /[0-9a-fA-F]/.test(s[at + 1] ?? '')) {
    let j = at + 1;
    let v = 0;
    while (/[0-9a-fA-F]/.test(s[j] ?? '')) v = ((v << 4) | parseInt(s[j++] ?? '0', 16)) & 0xff;
    return { text: String.fromCharCode(v), next: j };
  }
  if (c === 'c' && s[at + 1] !== undefined) {
    return { text: String.fromCharCode((s.charCodeAt(at + 1) ?? 0) & 0x1f), next: at + 2 };
  }
  if (c >= '0' && c <= '7') {
    let j = at;
    let v = 0;
    for (let k = 0; k < 3 && (s[j] ?? '') >= '0' && (s[j] ?? '') <= '7'; k++) v = v * 8 + Number(s[j++]);
    return { text: String.fromCharCode(v & 0xff), next: j };
  }
  return { text: SIMPLE[c] ?? c, next: at + 1 };
}
