/** How text output may be styled; colour only when stdout is a TTY (and NO_COLOR is unset). */
export interface Style {
  readonly color: boolean;
  /** Terminal width in columns (80 when unknown). */
  readonly columns: number;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

/**
 * Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR turns it
 * on for a pipe. Escapes are plain SGR codes: no dependency needed for six colours.
 */
export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const color = (env.NO_COLOR === undefined || env.NO_COLOR === '') && (forced || stream.isTTY === true);
  return makeStyle(color, stream.columns || 80);
}

export function makeStyle(color: boolean, columns = 80): Style {
  const sgr = (open: number, close: number) => (text: string) =>
    color && text !== '' ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    color,
    columns,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/** Text without its colour escapes: what a terminal shows of it. */
export function withoutColour(text: string): string {
  return text.replace(SGR, '');
}

/** Width of text as shown, without colour escapes. */
export function visibleWidth(text: string): number {
  return withoutColour(text).length;
}
