/** `?`: every key and every `:` verb, on one screen. */
import { Box, Text } from 'ink';
import { Line } from './Line.js';

export const KEYS: readonly (readonly [string, string])[] = [
  [':', 'command line: kill/stop/start NODE, fail/ok NODE SCRIPT, linkdown/linkup NODE IF,'],
  ['', '  partition A B, heal, speed N, quit (tab completes, ↑ recalls)'],
  ['space', 'pause / resume virtual time'],
  ['+ / -', 'faster / slower (×0.5 … ×16)'],
  ['n', 'step: run to the next event (pauses)'],
  ['h', 'a hint; again for a stronger one; then the solution (asks first)'],
  ['t / tab', 'the lesson text and its tasks: pick one'],
  ['l', 'the lessons: open another (resumes where you left it)'],
  ['x', 'reset this lesson (asks first)'],
  ['r', 're-read the files now (they are also watched)'],
  ['j/k ↑/↓', 'scroll the event log (PgUp/PgDn: a page)'],
  ['/', 'filter the event log (esc clears)'],
  ['s', 'the summary card, full screen, once every task is done'],
  ['esc', 'back'],
  ['q', 'quit (ctrl-c always quits)'],
];

export function HelpOverlay({ width, height }: { readonly width: number; readonly height: number }) {
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={height} overflow="hidden" paddingX={1}>
      <Line bold>Keys</Line>
      {KEYS.map(([k, what], i) => (
        <Line key={i} wrap="truncate-end"><Text bold>{k.padEnd(8)}</Text> {what}</Line>
      ))}
      <Line dimColor wrap="truncate-end">Faults only from the : line. State is written out: MASTER, BACKUP, FAULT; * holds the VIP.</Line>
    </Box>
  );
}
