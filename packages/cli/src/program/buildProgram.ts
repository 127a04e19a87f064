import { Command, Option } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArgumentSpec, CommandEntry, OptionSpec } from './commandSpec';
import { parseOptions } from './parseOptions';
import { runEntry, type GlobalFlags } from './runEntry';

/**
 * Builds the commander program from the command table: one (sub)command per entry, its flags and
 * arguments from the entry's option table, its examples in --help, and an action that parses the
 * values and hands them to runEntry. Errors propagate to the caller (main) — nothing exits here.
 */
export function buildProgram(entries: readonly CommandEntry[], groups: Readonly<Record<string, string>> = {}): Command {
  const program = new Command('transcriber')
    .description('Performance of a voice agent from its local telemetry databases')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--data-dir <dir>', 'data directory (default: TRANSCRIBER_PERF_DATA_DIR, transcriber.config.json, ./data)')
    .option('--json', 'print machine-readable JSON instead of tables')
    .option('--debug', 'show stack traces of unexpected errors')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    // Commander's suggestion comes on a line of its own: kept, but within the one line of the error.
    .configureOutput({ outputError: (text, write) => write(text.replace(/\n\((Did you mean [^)]*)\)/, ' ($1)')) });
  program.addHelpText('after', examplesText(entries.flatMap((e) => e.examples.slice(0, 1))));

  for (const entry of entries) {
    const command = commandAt(program, entry.name.split(' '), groups);
    command.description(entry.summary);
    const flags = new Map<string, string>();
    const argumentKeys: string[] = [];
    for (const [key, spec] of Object.entries(entry.options)) {
      if ('argument' in spec) {
        command.argument((spec as ArgumentSpec).argument, (spec as ArgumentSpec).description);
        argumentKeys.push(key);
      } else {
        const option = new Option((spec as OptionSpec<unknown>).flags, (spec as OptionSpec<unknown>).description);
        command.addOption(option);
        flags.set(key, option.attributeName());
      }
    }
    if (entry.examples.length > 0) command.addHelpText('after', examplesText(entry.examples));
    command.action(async (...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const parsed = self.opts();
      const raw: Record<string, unknown> = {};
      for (const [key, attribute] of flags) raw[key] = parsed[attribute];
      argumentKeys.forEach((key, i) => (raw[key] = args[i]));
      const longFlag = (key: string) => {
        const spec = entry.options[key] as OptionSpec<unknown>;
        return spec.flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? key;
      };
      const options = await parseOptions(entry, raw, longFlag);
      await runEntry(entry, options, self.optsWithGlobals() as GlobalFlags);
    });
  }
  return program;
}

/**
 * The command at a path ('db info' → db → info), creating parents that have no entry of their own
 * (described by `groups`, e.g. `db`).
 */
function commandAt(program: Command, names: string[], groups: Readonly<Record<string, string>>): Command {
  let parent = program;
  for (const name of names) {
    const existing = parent.commands.find((c) => c.name() === name);
    parent = existing ?? parent.command(name).description(groups[name] ?? '');
  }
  return parent;
}

function examplesText(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}

function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
