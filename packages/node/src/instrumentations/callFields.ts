/**
 * The optional fields of an `instrument` entry for voice turns (docs/configuration.md, "Voice turns
 * from the instrument map"): points of a call marked on the turn it runs in, usage read from its
 * arguments or result, and results that are streams.
 *
 * ```json
 * { "module": "./dist/stt.js", "export": "Recognizer.transcribe", "component": "stt",
 *   "marks": { "end": "final_transcript" }, "usage": { "transcriber.stt.audio.duration": "args.0.durationSeconds" } }
 * { "module": "./dist/tts.js", "export": "Voice.synthesize", "component": "tts", "stream": true,
 *   "marks": { "firstItem": "first_audio_byte" }, "usage": { "transcriber.tts.characters": "args.0.length" } }
 * { "module": "./dist/speaker.js", "export": "Speaker.write", "marks": { "end": "first_audio_played" } }
 * ```
 */
export interface CallMarks {
  /** Marked when the call starts. */
  start?: string;
  /** Marked when the call returns, its promise resolves, or (`stream`) its result is exhausted or left. */
  end?: string;
  /** Marked when the streamed result yields its first item (needs `stream`). */
  firstItem?: string;
}

/** A usage figure read from the call when its operation ends: `args.<n>.<property>…` or `result.<property>…`. */
export interface UsagePath {
  name: string;
  /** `args` or `result`, then the argument index (for args) and property names. */
  from: 'args' | 'result';
  keys: string[];
}

export interface CallFields {
  marks: CallMarks;
  usage: UsagePath[];
  /** The call returns an async iterable: its operation lasts until the iteration ends. */
  stream: boolean;
}

export const CALL_FIELD_NAMES = ['marks', 'usage', 'stream'];
const MARK_POINTS: readonly (keyof CallMarks)[] = ['start', 'end', 'firstItem'];
const USAGE_PATH = /^(?:args\.\d+|result)(?:\.[A-Za-z_$][\w$]*)*$/;

/**
 * Reads `marks`, `usage` and `stream` of an entry; returns a problem (to warn about) when one is
 * malformed. Without a component an entry only marks (its marks go to the turn the call runs in).
 */
export function parseCallFields(fields: Record<string, unknown>, hasComponent: boolean): CallFields | string {
  const { marks = {}, usage = {}, stream = false } = fields;
  if (marks === null || typeof marks !== 'object' || Array.isArray(marks)) {
    return `"marks" must be an object of ${MARK_POINTS.join(', ')} → mark name`;
  }
  for (const [point, name] of Object.entries(marks)) {
    if (!MARK_POINTS.includes(point as keyof CallMarks))
      return `"marks" has an unknown point ${point} (${MARK_POINTS.join(', ')})`;
    if (typeof name !== 'string' || name.trim() === '') return `"marks.${point}" must be a mark name`;
  }
  if (typeof stream !== 'boolean') return '"stream" must be true or false';
  if ((marks as CallMarks).firstItem !== undefined && !stream) return '"marks.firstItem" needs "stream": true';
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) {
    return '"usage" must be an object of usage name → "args.<n>.<property>" or "result.<property>"';
  }
  const paths: UsagePath[] = [];
  for (const [name, path] of Object.entries(usage)) {
    if (typeof path !== 'string' || !USAGE_PATH.test(path)) {
      return `"usage.${name}" must be "args.<n>.<property>…" or "result.<property>…"`;
    }
    const [from, ...keys] = path.split('.');
    paths.push({ name, from: from as 'args' | 'result', keys });
  }
  if (!hasComponent && (paths.length > 0 || stream)) return '"usage" and "stream" need a "component"';
  if (!hasComponent && Object.keys(marks).length === 0) return 'an entry without "component" must have "marks"';
  return { marks: marks as CallMarks, usage: paths, stream };
}

/** The number at `path` in a call's arguments or result, if there is one. */
export function readUsage(path: UsagePath, args: readonly unknown[], result: unknown): number | undefined {
  let value: unknown = path.from === 'args' ? args : result;
  for (const key of path.keys) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
