/**
 * Re-read the lesson's files when the learner saves them: fs.watch on the
 * workspace folder, debounced (editors write a file in several steps). Where
 * watching fails (some network and WSL mounts) the `r` key does the same.
 */
import { useEffect, useRef } from 'react';
import { watch } from 'node:fs';

export const DEBOUNCE_MS = 300;

export function useWorkspaceWatch(folder: string | undefined, onChange: (file: string) => void, onError: (message: string) => void): void {
  const latest = useRef({ onChange, onError });
  latest.current = { onChange, onError };
  useEffect(() => {
    if (!folder) return;
    let timer: NodeJS.Timeout | undefined;
    let last = '';
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      watcher = watch(folder, (_event, name) => {
        last = name ? String(name) : last;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => latest.current.onChange(last), DEBOUNCE_MS);
      });
      watcher.on('error', (e) => latest.current.onError(`watching ${folder} stopped: ${e.message}; press r after saving`));
    } catch (e) {
      latest.current.onError(`cannot watch ${folder} (${(e as Error).message}); press r after saving`);
    }
    return () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
    };
  }, [folder]);
}
