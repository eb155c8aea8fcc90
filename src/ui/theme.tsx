import { Text } from "ink";
import { createContext, useContext } from "react";
import type { Line, Tone } from "./text.js";

/** Whether colours are on (false under NO_COLOR or when not a colour terminal). */
export const ColorContext = createContext(true);

/** Read the colour switch. */
export function useColor(): boolean {
  return useContext(ColorContext);
}

const TONE_COLOR: Record<Tone, string | undefined> = {
  plain: undefined,
  dim: "gray",
  title: "magenta",
  accent: "cyan",
  ok: "green",
  warn: "yellow",
  bad: "red",
  key: "blue",
  string: "green",
  number: "yellow",
  literal: "magenta",
  punct: "gray",
};

/** The terminal colour of a tone, or none when colours are off. */
export function toneColor(tone: Tone | undefined, color: boolean): string | undefined {
  return color && tone ? TONE_COLOR[tone] : undefined;
}

/** One line of segments, cut at the box edge (never wrapped). */
export function LineView({ line, inverse = false }: { line: Line; inverse?: boolean }) {
  const color = useColor();
  return (
    <Text wrap="truncate" inverse={inverse && color}>
      {line.length === 0
        ? " "
        : line.map((s, i) => (
            <Text
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reorder
              key={i}
              color={toneColor(s.tone, color)}
              bold={s.bold}
            >
              {s.text}
            </Text>
          ))}
    </Text>
  );
}
