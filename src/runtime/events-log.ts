/**
 * The lab's record of what a node saw: one line per fact in /lab/events.log,
 * stamped with CLOCK_REALTIME seconds as docker/observe.sh and keepalived's
 * notify hook stamp theirs (src/docker/node-events.ts reads them back).
 *
 * Plain ESM for the image's Node 18.
 */
import { appendFileSync } from 'node:fs';

export const EVENTS_LOG = '/lab/events.log';

/** "seconds.nanoseconds" on the realtime clock, microsecond precision. */
export function realtimeStamp(): string {
  const us = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}000`;
}

/** Append `words` as one stamped line (newlines become spaces) to LAB_EVENTS_LOG, default /lab/events.log. */
export function recordEvent(words: string, path = process.env.LAB_EVENTS_LOG ?? EVENTS_LOG): void {
  appendFileSync(path, `${realtimeStamp()} ${words.replace(/[\r\n]+/g, ' ')}\n`);
}
