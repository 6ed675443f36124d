/**
 * The two bottom lines: the prompt line (the `:` command line with its error or
 * completions, the `/` filter, a yes/no question, or the last message), then at
 * most six keys for where the learner is (`?` lists them all).
 */
import { Box, Text } from 'ink';
import type { Overlay, UiState } from '../state.js';

export interface FooterProps {
  readonly ui: UiState;
  readonly width: number;
  /** Completions for the `:` line's last word (shown under it while typing). */
  readonly suggestions: readonly string[];
}

const QUESTIONS = {
  solution: 'Show the solution? It gives the answer away. y: show · any other key: cancel',
  reset: 'Reset this lesson: its files back to the original, its progress forgotten? y: reset · any other key: cancel',
};

/** The context keys for the footer: never more than six. */
export function footerKeys(overlay: Overlay): string {
  switch (overlay.kind) {
    case 'command': return 'enter run · tab complete · ↑ history · esc cancel';
    case 'filter': return 'enter apply · esc cancel';
    case 'confirm': return 'y yes · any other key: no';
    case 'lessons': return 'j/k move · enter open · esc back';
    case 'tasks': return 'j/k task · space/b read on/back · enter work on it · esc back';
    case 'help': return 'esc back';
    case 'summary': return `esc back · s ${overlay.full ? 'smaller' : 'full screen'} · l lessons · x reset`;
    case 'none': return ': act · space pause · h hint · t tasks · ? help · q quit';
  }
}

function Prompt({ ui, suggestions }: { readonly ui: UiState; readonly suggestions: readonly string[] }) {
  const o = ui.overlay;
  if (o.kind === 'command') {
    return (
      <Text wrap="truncate-end">
        :{o.text}<Text inverse> </Text>
        {o.error ? <Text color="red"> {o.error}</Text> : suggestions.length > 1 ? <Text dimColor> {suggestions.slice(0, 8).join(' ')}</Text> : null}
      </Text>
    );
  }
  if (o.kind === 'filter') return <Text wrap="truncate-end">/{o.text}<Text inverse> </Text></Text>;
  if (o.kind === 'confirm') return <Text color="yellow" wrap="truncate-end">{QUESTIONS[o.question]}</Text>;
  if (ui.message) return <Text color={ui.message.error ? 'red' : undefined} wrap="truncate-end">{ui.message.text}</Text>;
  return <Text> </Text>;
}

export function Footer({ ui, width, suggestions }: FooterProps) {
  return (
    <Box flexDirection="column" width={width}>
      <Prompt ui={ui} suggestions={suggestions} />
      <Text inverse wrap="truncate-end">{` ${footerKeys(ui.overlay)} `.padEnd(width)}</Text>
    </Box>
  );
}
