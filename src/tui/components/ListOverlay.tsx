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
  /** Paragraphs under the list (what the item under the cursor says), shown from `skip` on. */
  readonly text?: readonly string[];
  readonly skip?: number;
  readonly items: readonly ListItem[];
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
}

export function ListOverlay({ title, text = [], skip = 0, items, cursor, width, height }: ListOverlayProps) {
  const from = Math.min(skip, Math.max(0, text.length - 1));
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={height} overflow="hidden" paddingX={1}>
      <Line bold wrap="truncate-end">{title}</Line>
      {items.map((it, i) => (
        <Line key={i} wrap="truncate-end" inverse={i === cursor}>
          {i === cursor ? '>' : ' '} {it.done ? '✓' : ' '} {it.label}{it.note ? <Text dimColor> {it.note}</Text> : null}
        </Line>
      ))}
      {text.length > 0 ? <Line dimColor wrap="truncate-end">{'─'.repeat(6)} paragraph {from + 1} of {text.length} (space: on, b: back)</Line> : null}
      {text.slice(from).map((p, i) => (
        <Box key={`p${from + i}`} flexShrink={0} marginTop={i === 0 ? 0 : 1}>
          <Text>{p}</Text>
        </Box>
      ))}
    </Box>
  );
}
