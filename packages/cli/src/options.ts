import { BENCHMARK_SERVICE_NAME } from '@transcriber/instrumentation/names';
import type { OptionSpec } from './program/commandSpec';
import { UsageError } from './errors';

/**
 * Option definitions shared by several commands, and the parsers behind them. A command with an
 * option of its own writes its OptionSpec inline in cli.ts, reusing these parsers.
 */

export function positiveNumber(raw: string, flag: string): number {
  const value = toNumber(raw, flag, 'a positive number');
  if (value <= 0) throw new UsageError(`${flag} expects a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

export function positiveInteger(raw: string, flag: string): number {
  const value = toNumber(raw, flag, 'a whole number of at least 1');
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${flag} expects a whole number of at least 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function nonNegativeNumber(raw: string, flag: string): number {
  const value = toNumber(raw, flag, 'a number of at least 0');
  if (value < 0) throw new UsageError(`${flag} expects a number of at least 0, got ${JSON.stringify(raw)}`);
  return value;
}

/** A TCP port, 0 (any free one) to 65535. */
export function portNumber(raw: string, flag: string): number {
  const value = toNumber(raw, flag, 'a port number (0-65535)');
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new UsageError(`${flag} expects a port number (0-65535), got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A TCP port as `portNumber` reads it, or `off` (the listener is not started). */
export function portOrOff(raw: string, flag: string): number | 'off' {
  if (raw.trim().toLowerCase() === 'off') return 'off';
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new UsageError(`${flag} expects a port number (0-65535) or off, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function toNumber(raw: string, flag: string, expected: string): number {
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`${flag} expects ${expected}, got ${JSON.stringify(raw)}`);
  return value;
}

/** One of a fixed list of words; the error lists them. */
export function oneOf<T extends string>(allowed: readonly T[]): (raw: string, flag: string) => T {
  return (raw, flag) => {
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    throw new UsageError(`unknown ${flag} value ${JSON.stringify(raw)}; valid values: ${allowed.join(', ')}`);
  };
}

/** `--component C`: a ComponentType value (plus `extra` words a command accepts, e.g. `memory`). */
/** `--component none`: the spans that have no component (foreign spans no rule matched). */
export const NO_COMPONENT = 'none';

export function componentOption(description: string, extra: readonly string[] = []): OptionSpec<string> {
  return {
    flags: '--component <name>',
    description,
    parse: (raw) => raw,
    validate: async (value: string) => {
      // The light entry, loaded only when --component is given: the main one loads the OTel API.
      const { COMPONENT_TYPES } = await import('@transcriber/instrumentation/componentType');
      const valid = [...COMPONENT_TYPES, ...extra];
      if (!valid.includes(value)) {
        throw new UsageError(`unknown component ${JSON.stringify(value)}; valid components: ${valid.join(', ')}`);
      }
    },
  };
}

/**
 * The window every view of recorded telemetry looks at unless told (performance, turns, traces,
 * optimize): one default, so their figures describe the same stretch of time.
 */
export const DEFAULT_WINDOW_MINUTES = 60;

/**
 * `--service NAME` (key `service`): only that service's telemetry. Without it a view reads every
 * service but the one benchmark runs record under (the read side's ServiceFilter rule).
 */
export const serviceOption: OptionSpec<string> = {
  flags: '--service <name>',
  description: `only telemetry of this service (service.name); default: every service but benchmark runs (${BENCHMARK_SERVICE_NAME})`,
};

export function minutesOption(defaultMinutes = DEFAULT_WINDOW_MINUTES): OptionSpec<number> {
  return {
    flags: '--minutes <n>',
    description: `how far back to look, in minutes (default ${defaultMinutes})`,
    default: defaultMinutes,
    parse: positiveNumber,
  };
}

export function limitOption(defaultLimit: number): OptionSpec<number> {
  return {
    flags: '--limit <n>',
    description: `at most this many rows (default ${defaultLimit})`,
    default: defaultLimit,
    parse: positiveInteger,
  };
}

/** `--export FILE` (key `outputFile`): the program writes the returned data there. */
export const exportOption: OptionSpec<string> = {
  flags: '--export <file>',
  description:
    'also write the data shown to FILE (.json, .csv or .txt, or see --format); never replaces a file without --force',
};

/** `--force` (key `force`): an export may replace an existing regular file (never a database). */
export const forceOption: OptionSpec<boolean> = {
  flags: '--force',
  description: 'let the export replace an existing file (never a database, a link or a device)',
};

/** `--format csv|json` (key `format`): the export format when the file name does not tell. */
export const formatOption: OptionSpec<'csv' | 'json' | 'text'> = {
  flags: '--format <format>',
  description: 'export format: json, csv or text (default: from the file extension, else json)',
  parse: oneOf(['json', 'csv', 'text'] as const),
};

/** `--live` (key `live`): the program re-runs the command every `interval` seconds on one screen. */
export const liveOption: OptionSpec<boolean> = {
  flags: '--live',
  description: 'redraw every --interval seconds until Ctrl-C',
};

export function intervalOption(defaultSeconds: number): OptionSpec<number> {
  return {
    flags: '--interval <seconds>',
    description: `seconds between --live redraws (default ${defaultSeconds})`,
    default: defaultSeconds,
    parse: positiveNumber,
  };
}
