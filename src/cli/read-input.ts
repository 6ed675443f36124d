/**
 * Reading a file the user named on the command line: a directory, a missing or
 * unreadable file, or one above the command's size bound is a UsageError that
 * names it (exit 2), never a stack trace or a read without end.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

/** `path` is what is opened; `shown` is how the user wrote it (default: the path). */
export function readInputFile(path: string, what: string, maxBytes: number, shown = path): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${what} '${shown}' is a directory, not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} '${shown}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (size > maxBytes) throw new UsageError(`${what} '${shown}' is ${size} bytes; files above ${maxBytes} bytes are not read`);
  return readFileSync(path, 'utf8');
}

/** The first `bytes` bytes of a file as UTF-8 text (for telling its kind), without reading the rest. */
export function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
