/**
 * The terminal around the lab: the alternate screen, the cursor and the exits.
 *
 * Theory of operation: the lab draws full-screen on the alternate screen (so the
 * learner's shell and scrollback are untouched) and must leave it on every way
 * out — `q`, Ctrl-C, SIGTERM, SIGHUP and an uncaught error. `enterFullScreen`
 * switches to it, hides nothing else, and returns the one `leave` function;
 * `leave` is idempotent, so each exit path may call it without knowing whether
 * another already did.
 *
 * Rules:
 * - Only escape sequences every xterm-like terminal knows: 1049 (alternate
 *   screen with the cursor saved), 25 (cursor visible), SGR 0.
 * - Nothing here draws: ink does, inside the alternate screen.
 */

export const ENTER_ALT_SCREEN = '\u001b[?1049h';
export const LEAVE_ALT_SCREEN = '\u001b[?1049l';
export const SHOW_CURSOR = '\u001b[?25h';
const CLEAR_HOME = '\u001b[2J\u001b[H';
const RESET_SGR = '\u001b[0m';

export interface Writable {
  write(chunk: string): boolean;
}

/** Switch to the alternate screen; the returned function switches back (once). */
export function enterFullScreen(out: Writable): () => void {
  out.write(ENTER_ALT_SCREEN + CLEAR_HOME);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    out.write(RESET_SGR + SHOW_CURSOR + LEAVE_ALT_SCREEN);
  };
}

/**
 * What colour ink may use. ink brings its own chalk, which reads FORCE_COLOR
 * when it is first imported and ignores NO_COLOR: so the choice must be in the
 * environment before ink loads (the app is imported dynamically after this).
 */
export function decideColour(colour: boolean, env: NodeJS.ProcessEnv): void {
  if (!colour) env['FORCE_COLOR'] = '0';
}
