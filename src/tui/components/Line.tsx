/**
 * A line or paragraph in a boxed panel. ink lays out children with yoga, which
 * shrinks them when a box is too small, and then draws their text over each
 * other; a child that never shrinks is clipped by the panel's `overflow="hidden"`
 * instead. Every child of a fixed-height panel is one of these.
 */
import { Box, Text, type TextProps } from 'ink';
import type { ReactNode } from 'react';

export function Line({ children, ...text }: TextProps & { readonly children?: ReactNode }) {
  return (
    <Box flexShrink={0}>
      <Text {...text}>{children}</Text>
    </Box>
  );
}
