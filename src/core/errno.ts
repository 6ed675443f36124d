/**
 * A file-system error's code in words, for messages about the user's files:
 * "no such file or directory", not ENOENT with a stack behind it.
 */
export function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'read-only file system';
    default: return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** A size for messages: 51.4 MB, 2 MB, 812 KB, 90 bytes. */
export function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${trim(n / (1024 * 1024))} MB`;
  if (n >= 1024) return `${trim(n / 1024)} KB`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}

const trim = (x: number): string => (Math.round(x * 10) / 10).toString();
