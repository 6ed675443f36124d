/** The lesson's summary card, shown once every task is done (vimtutor's "Lesson N SUMMARY"). */
import { Box, Text } from 'ink';
import type { Lesson } from '../../lesson/contract.js';

export function SummaryCard({ lesson, width, height }: { readonly lesson: Lesson; readonly width: number; readonly height: number }) {
  return (
    <Box flexDirection="column" borderStyle="double" width={width} height={height} overflow="hidden" paddingX={1}>
      <Text bold color="green">✓ Lesson done: {lesson.tasks.length}/{lesson.tasks.length} tasks</Text>
      {lesson.summary.map((p, i) => <Text key={i}>{p}</Text>)}
    </Box>
  );
}
