/**
 * Mastership over time: one line per lane, one letter per column (M master,
 * b backup, F fault, . off), the newest column at the right edge. Letters carry
 * the state; colour only repeats it.
 */
import { Box, Text } from 'ink';
import { Line } from './Line.js';
import type { LabView } from '../../lesson/contract.js';
import { CLUSTER_LEGEND, STRIP_LEGEND, stripRow, stripScale } from '../format.js';

export interface TimelineStripProps {
  readonly view?: LabView;
  readonly width: number;
  readonly lanes: number;
}

const LETTER_COLOUR: Readonly<Record<string, string>> = { M: 'green', F: 'red', x: 'red', X: 'red' };

export function TimelineStrip({ view, width, lanes }: TimelineStripProps) {
  const shown = (view?.strip ?? []).slice(0, lanes);
  const labelWidth = Math.min(14, Math.max(4, ...shown.map((l) => l.label.length)));
  const cells = Math.max(8, width - labelWidth - 2);
  const now = view?.now ?? 0;
  const scale = stripScale(now, cells);
  const legend = view?.kind === 'cluster' ? CLUSTER_LEGEND : STRIP_LEGEND;
  const hidden = (view?.strip.length ?? 0) - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Line wrap="truncate-end" dimColor>
        timeline (1 column = {scale}s{hidden > 0 ? `, ${hidden} more lanes` : ''}): {legend}
      </Line>
      {shown.map((lane) => (
        <Line key={lane.label} wrap="truncate-end">
          {lane.label.slice(0, labelWidth).padEnd(labelWidth)}{' '}
          {[...runs(stripRow(lane, now, cells, scale))].map(([letter, count], i) => (
            <Text key={i} color={LETTER_COLOUR[letter]}>{letter.repeat(count)}</Text>
          ))}
        </Line>
      ))}
    </Box>
  );
}

/** Runs of one letter, so each run is one coloured Text. */
function* runs(row: string): Generator<[string, number]> {
  let i = 0;
  while (i < row.length) {
    let j = i;
    while (j < row.length && row[j] === row[i]) j++;
    yield [row[i]!, j - i];
    i = j;
  }
}
