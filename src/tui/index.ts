/**
 * The terminal lab (`vrrp-lab lab` at a terminal): a full-screen ink app over a
 * lesson's live session.
 *
 * Theory of operation: the CLI decides whether a terminal is there (a TTY and
 * not CI) and whether colour is wanted, then calls `runLabApp`. Colour is
 * decided in the environment first, then ink, React and the app are imported —
 * so a command that never opens the lab never loads them, and ink's chalk sees
 * FORCE_COLOR=0 when colour is off (it ignores NO_COLOR by itself).
 */
import type { LabHost } from '../lesson/contract.js';
import { decideColour } from './terminal.js';

export interface LabAppOptions {
  readonly host: LabHost;
  /** The lesson to open (`01-election`); without one the app starts at the lesson list, at the lesson to resume. */
  readonly lesson?: string;
  readonly colour: boolean;
}

/** Run the lab until the learner quits; the terminal is restored on every way out. */
export async function runLabApp(options: LabAppOptions): Promise<void> {
  decideColour(options.colour, process.env);
  const { mount } = await import('./run.js');
  await mount({ host: options.host, ...(options.lesson === undefined ? {} : { lesson: options.lesson }) });
}
