/**
 * The append-only event log, windowed: the newest entries that fit, or a page
 * further up when the learner scrolls (j/k, arrows, PgUp/PgDn); `/` filters it.
 * Each change carries the engine's why.
 */
import { Box } from 'ink';
import { Line } from './Line.js';
import type { LogEntry } from '../../lesson/contract.js';
import { logLine, logWindow } from '../format.js';

export interface EventLogProps {
  readonly entries: readonly LogEntry[];
  readonly total: number;
  readonly filter: string;
  readonly scroll: number;
  readonly height: number;
  readonly width: number;
}

const KIND_COLOUR: Readonly<Record<LogEntry['kind'], string | undefined>> = { action: 'cyan', change: undefined, info: undefined, error: 'red' };

export function EventLog({ entries, total, filter, scroll, height, width }: EventLogProps) {
  const shown = logWindow(entries, height, scroll);
  const where = scroll > 0 ? ` · ${scroll} newer below (esc: follow)` : '';
  const filtered = filter ? ` · filter "${filter}": ${entries.length} of ${total}` : '';
  return (
    <Box flexDirection="column" width={width} height={height + 1} overflow="hidden">
      <Line wrap="truncate-end" dimColor>events ({total}){filtered}{where} — j/k scroll, / filter</Line>
      {shown.map((e) => (
        <Line key={e.seq} wrap="truncate-end" color={KIND_COLOUR[e.kind]}>{logLine(e)}</Line>
      ))}
    </Box>
  );
}
