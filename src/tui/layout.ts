/**
 * How the screen is cut, for a terminal of `columns` × `rows`: pure arithmetic,
 * designed for 80×24 first.
 *
 * The app draws at rows − 1 lines (ink 6.8 redraws the whole screen, flickering,
 * once its output reaches the terminal's height). From the top: a header line;
 * the cluster panel beside the lesson pane (both boxed); the timeline strip (a
 * title line and one line per lane); the event log (a title line and a window of
 * entries); and two footer lines (messages or the `:` line, then the keys).
 */

export interface Layout {
  readonly width: number;
  readonly height: number;
  /** The boxed row: the cluster panel and the lesson pane (borders included). */
  readonly top: number;
  readonly clusterWidth: number;
  readonly lessonWidth: number;
  /** Lanes of the timeline strip shown (the title line is extra). */
  readonly lanes: number;
  /** Entries of the event log shown (the title line is extra). */
  readonly log: number;
}

const HEADER = 1;
const FOOTER = 2;

export function layoutFor(columns: number | undefined, rows: number | undefined, lanes: number): Layout {
  const width = Math.max(40, columns ?? 80);
  const height = Math.max(12, (rows ?? 24) - 1);
  const free = height - HEADER - FOOTER;
  const shownLanes = Math.min(lanes, Math.max(1, Math.floor(free / 6)));
  const rest = free - (shownLanes + 1) - 1;
  const top = Math.max(6, Math.min(20, Math.round(rest * 0.68)));
  const log = Math.max(1, rest - top);
  const lessonWidth = Math.max(30, Math.floor(width * 0.45));
  return { width, height, top, clusterWidth: width - lessonWidth, lessonWidth, lanes: shownLanes, log };
}
