/**
 * Cleanup on Ctrl-C and SIGTERM.
 *
 * Theory of operation: each running lab registers an async cleanup. The first
 * registration installs one SIGINT and one SIGTERM listener; when a signal
 * arrives every registered cleanup runs (each bounded in time), our listeners
 * are removed and the signal is raised again, so the process ends as it would
 * have without us (exit status 130 / 143) — only after its containers and
 * networks are gone.
 */

type Cleanup = () => Promise<void>;

const active = new Set<Cleanup>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const CLEANUP_TIMEOUT_MS = 30_000;
let installed = false;

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  process.stderr.write(`vrrp-lab: ${signal}: removing the lab's containers and networks…\n`);
  const all = [...active];
  active.clear();
  await Promise.race([Promise.allSettled(all.map((c) => c())), new Promise((r) => setTimeout(r, CLEANUP_TIMEOUT_MS).unref())]);
  uninstall();
  process.kill(process.pid, signal);
}

const listener = (signal: NodeJS.Signals): void => void onSignal(signal);

function uninstall(): void {
  for (const s of SIGNALS) process.off(s, listener);
  installed = false;
}

/** Run `cleanup` if the process is interrupted; call the returned function once cleanup is no longer needed. */
export function cleanupOnSignal(cleanup: Cleanup): () => void {
  active.add(cleanup);
  if (!installed) {
    for (const s of SIGNALS) process.on(s, listener);
    installed = true;
  }
  return () => {
    active.delete(cleanup);
    if (active.size === 0 && installed) uninstall();
  };
}
