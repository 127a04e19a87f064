/**
 * Control characters in text bound for a terminal, shown as escapes (`\x1b`, `\n`) instead of
 * acted on. Span and service names received over OTLP are anyone's: an escape sequence in one would
 * otherwise move the cursor, recolour or retitle the user's terminal, and a newline would break a
 * table's rows. C0 (but the text's own line breaks, when asked), DEL and C1 (0x9b is a CSI too).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  return NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** `text` with every control character escaped; `keepNewlines` for text made of lines (a message). */
export function escapeControl(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL, escapeOne);
}

/**
 * A copy of a command's data whose strings are safe to print (the same object when none needs it):
 * printers then lay out only what a terminal shows as it is.
 */
export function printable<T>(value: T): T {
  if (typeof value === 'string') return (HAS_CONTROL.test(value) ? escapeControl(value) : value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const safe = printable(item);
      if (safe !== item) (copy ??= [...value])[i] = safe;
    });
    return (copy ?? value) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(record)) {
      const safe = printable(item);
      if (safe !== item) (copy ??= { ...record })[key] = safe;
    }
    return (copy ?? value) as T;
  }
  return value;
}
