/**
 * `npm run docs:update`: reruns every marked example of README.md and docs/*.md
 * (see docs-examples.ts) and writes the documents and the files they keep.
 * Prints which documents changed; exit 1 on a broken marker.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { docFiles, updateMarkdown } from './docs-examples.js';

async function update(root: string): Promise<void> {
  for (const doc of docFiles(root)) {
    const before = readFileSync(join(root, doc), 'utf8');
    const { text, kept } = await updateMarkdown(before, doc, root);
    if (text !== before) writeFileSync(join(root, doc), text);
    process.stdout.write(`${text === before ? 'unchanged' : 'updated  '} ${doc}\n`);
    for (const k of kept) {
      const old = existsSync(join(root, k.to)) ? readFileSync(join(root, k.to)) : Buffer.alloc(0);
      if (!old.equals(k.bytes)) writeFileSync(join(root, k.to), k.bytes);
      process.stdout.write(`${old.equals(k.bytes) ? 'unchanged' : 'updated  '} ${k.to}\n`);
    }
  }
}

// The checkout: this file runs as dist/scripts/docs-update.js.
await update(resolve(import.meta.dirname, '..', '..')).catch((e: unknown) => {
  process.stderr.write(`docs:update: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
