/** The lesson's summary card, shown once every task is done (vimtutor's "Lesson N SUMMARY"). */
import { Box, Text } from 'ink';
import type { Lesson } from '../../lesson/contract.js';

export function SummaryCard({ lesson, width, height }: { readonly lesson: Lesson; readonly width: number; readonly height: number }) {
  return (
    <Box flexDirection="column" borderStyle="double" width={width} height={height} overflow="hidden" paddingX={1}>
      <Text bold color="green">✓ {lesson.title}: every task done ({lesson.tasks.length}/{lesson.tasks.length})</Text>
      <Text> </Text>
      {lesson.summary.map((p, i) => <Text key={i}>{p}</Text>)}
      <Text> </Text>
      <Text dimColor>esc: back to the lab · l: the next lesson · x: reset this one</Text>
    </Box>
  );
}
