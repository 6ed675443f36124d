/** The lesson's summary card, shown once every task is done (vimtutor's "Lesson N SUMMARY"). */
import { Box } from 'ink';
import { Line } from './Line.js';
import type { Lesson } from '../../lesson/contract.js';

export function SummaryCard({ lesson, width, height }: { readonly lesson: Lesson; readonly width: number; readonly height: number }) {
  return (
    <Box flexDirection="column" borderStyle="double" width={width} height={height} overflow="hidden" paddingX={1}>
      <Line bold color="green">✓ Lesson done: {lesson.tasks.length}/{lesson.tasks.length} tasks</Line>
      {lesson.summary.map((p, i) => <Line key={i}>{p}</Line>)}
    </Box>
  );
}
