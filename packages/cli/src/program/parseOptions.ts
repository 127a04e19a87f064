import type { CommandEntry, OptionSpec } from './commandSpec';

/** Parsed values by the table's keys: each raw string through its spec's parse/validate, defaults filled in. */
export async function parseOptions(
  entry: CommandEntry,
  raw: Record<string, unknown>,
  flagOf: (key: string) => string,
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(entry.options)) {
    const given = raw[key];
    if ('argument' in spec) {
      values[key] = given;
      continue;
    }
    const option = spec as OptionSpec<unknown>;
    if (given === undefined) {
      values[key] = option.default;
      continue;
    }
    const flag = flagOf(key);
    const value = typeof given === 'string' && option.parse !== undefined ? option.parse(given, flag) : given;
    if (option.validate !== undefined) await option.validate(value, flag);
    values[key] = value;
  }
  return values;
}
