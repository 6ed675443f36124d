/**
 * A list to pick from: the lessons (`l`) with their progress, or the lesson's
 * intro and tasks (`t`) with ✓ for the done ones. The cursor line is marked `>`.
 */
import { Box, Text } from 'ink';
import { Line } from './Line.js';

export interface ListItem {
  readonly label: string;
  readonly done?: boolean;
  readonly note?: string;
}

export interface ListOverlayProps {
  readonly title: string;
  /** Paragraphs above the list (the lesson's intro). */
  readonly text?: readonly string[];
  readonly items: readonly ListItem[];
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
}

export function ListOverlay({ title, text = [], items, cursor, width, height }: ListOverlayProps) {
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={height} overflow="hidden" paddingX={1}>
      <Line bold>{title}</Line>
      {text.map((p, i) => <Line key={`p${i}`}>{p}</Line>)}
      {items.map((it, i) => (
        <Line key={i} wrap="truncate-end" inverse={i === cursor}>
          {i === cursor ? '>' : ' '} {it.done ? '✓' : ' '} {it.label}{it.note ? <Text dimColor> {it.note}</Text> : null}
        </Line>
      ))}
    </Box>
  );
}
