/**
 * Virtual time driven by a real timer: every `tickMs` the session advances
 * `tickMs × speed` of virtual time. An advance that is still running (Docker
 * waits in real time) skips the next ticks instead of piling them up, so the
 * keys stay responsive.
 */
import { useEffect, useRef } from 'react';
import type { LabSession } from '../../lesson/contract.js';

export const TICK_MS = 100;

export function useVirtualClock(session: LabSession | undefined, running: boolean, speed: number, onAdvanced: () => void, onError: (e: unknown) => void): void {
  const busy = useRef(false);
  const latest = useRef({ speed, onAdvanced, onError });
  latest.current = { speed, onAdvanced, onError };
  useEffect(() => {
    if (!session || !running) return;
    const timer = setInterval(() => {
      if (busy.current) return;
      busy.current = true;
      session.advance(Math.round(TICK_MS * 1000 * latest.current.speed))
        .then(() => latest.current.onAdvanced(), (e: unknown) => latest.current.onError(e))
        .finally(() => { busy.current = false; });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [session, running]);
}
