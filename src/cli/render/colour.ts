/**
 * Tiny ANSI colouring. Colour only on a TTY, never with NO_COLOR (https://no-color.org: set
 * and not empty), never in --json output.
 */
// tones.js alone, not the folder's index: a reload's progress needs none of the rest (fast-operation.ts).
import { toneOf, type Tone } from '../../format/tones.js';

export interface Colours {
  readonly enabled: boolean;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

function wrap(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

export function createColours(enabled: boolean): Colours {
  return {
    enabled,
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    red: wrap(enabled, 31, 39),
    cyan: wrap(enabled, 36, 39),
    dim: wrap(enabled, 2, 22),
    bold: wrap(enabled, 1, 22),
  };
}

/** The colour of each tone (src/format/tones.ts) in a terminal. */
const TONE_COLOURS: Readonly<Record<Tone, keyof Omit<Colours, 'enabled'>>> = {
  good: 'green',
  progress: 'yellow',
  warn: 'yellow',
  leaving: 'dim',
  bad: 'red',
  idle: 'dim',
};

/** The colour a worker state, app status, operation state or revision outcome is shown in (by its tone). */
export function stateColour(colours: Colours, state: string): (text: string) => string {
  const tone = toneOf(state);
  return tone === undefined ? (text) => text : colours[TONE_COLOURS[tone]];
}

/** Strips ANSI colour sequences (for width computations). */
export function stripColour(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
