/** The top line: the lesson, virtual time, speed, run/pause, backend and seed. */
import { Box, Text } from 'ink';
import type { LabView, Lesson } from '../../lesson/contract.js';
import { secondsLabel } from '../format.js';

export interface HeaderProps {
  readonly lesson?: Lesson;
  readonly view?: LabView;
  readonly speed: number;
  readonly paused: boolean;
  readonly width: number;
}

export function Header({ lesson, view, speed, paused, width }: HeaderProps) {
  const title = lesson ? `${lesson.id}: ${lesson.title}` : 'no lesson open';
  const time = view ? `t=${secondsLabel(view.now)} ×${speed} ${paused ? 'PAUSED' : 'running'}` : '';
  const where = view ? `${view.backend} seed ${view.seed}` : '';
  const right = [time, where].filter(Boolean).join(' · ');
  return (
    <Box width={width} height={1} overflow="hidden">
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        <Text bold wrap="truncate-end">vrrp-lab lab · {title}</Text>
      </Box>
      <Box flexShrink={0}>
        <Text color={paused ? 'yellow' : undefined}> {right}</Text>
      </Box>
    </Box>
  );
}
