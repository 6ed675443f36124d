/**
 * Reading a file the user named on the command line: a directory, a missing or
 * unreadable file, or one above the command's size bound is a UsageError that
 * names it (exit 2), never a stack trace or a read without end.
 */
import { readFileSync, statSync } from 'node:fs';
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
