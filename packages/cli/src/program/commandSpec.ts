/**
 * The contract between the command table (cli.ts), the program that parses argv, and each command
 * module. A command is a function from an options object to data; printing is separate.
 */
import type { Style } from '../output/style';

/** What every command receives besides its own options (from the global flags). */
export interface CommandContext {
  /** Absolute data directory: --data-dir, else the config (file/env), else ./data. */
  dataDir: string;
  /** Working directory the command resolves relative paths against. */
  cwd: string;
  /** --json: print the returned data as JSON instead of the text view. */
  json: boolean;
  /** --debug: show stack traces of unexpected errors. */
  debug: boolean;
}

/** A non-zero exit decided from a command's data, with its one-line message for stderr. */
export interface ExitStatus {
  code: number;
  message: string;
}

/** A loaded command: `run` returns data, `print` turns it into the text view. */
export interface CommandModule<O, R> {
  run(options: O & CommandContext): Promise<R> | R;
  print(result: R, style: Style): string;
  /** Flat rows for CSV (`--export x.csv`, `--format csv`). Without it only JSON can be exported. */
  rows?(result: R): Record<string, string | number | boolean | null>[];
  /**
   * For data that is itself a failure (a benchmark that could not run, a regression in CI): the
   * exit code, applied after the data was printed and exported. Undefined means success.
   */
  exitStatus?(result: R): ExitStatus | undefined;
}

/** One `--flag`: how it is written, explained, defaulted and parsed. */
export interface OptionSpec<T> {
  /** Commander flags, e.g. `--minutes <n>` or `--errors`. */
  flags: string;
  description: string;
  default?: T;
  /** Turns the raw string into the value; throws UsageError on bad input. */
  parse?: (raw: string, flag: string) => T;
  /** Checks that need a lazily loaded module (e.g. the list of components); throws UsageError. */
  validate?: (value: T, flag: string) => Promise<void>;
}

/** One positional argument, e.g. `<traceId>`. */
export interface ArgumentSpec {
  argument: string;
  description: string;
}

/**
 * Every option of a command must appear here with its flag (or as a positional argument): the type
 * ties the table entry to the options interface of the command it loads.
 */
export type OptionTable<O> = { [K in keyof O]-?: OptionSpec<NonNullable<O[K]>> | ArgumentSpec };

/** One row of the command table. `name` may hold a parent: `'db info'`, `'traces show'`. */
export interface CommandEntry<O = Record<string, unknown>, R = unknown> {
  name: string;
  summary: string;
  options: OptionTable<O>;
  /** Shown under "Examples:" in --help; each a full command line. */
  examples: readonly string[];
  /** Imported only when this command runs, so `transcriber --version` loads none of them. */
  load(): Promise<CommandModule<O, R>>;
}

/** Type-checks one entry (options against the module's options type) and erases it for the table. */
export function defineCommand<O, R>(entry: CommandEntry<O, R>): CommandEntry {
  return entry as unknown as CommandEntry;
}
