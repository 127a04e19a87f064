export { main, COMMANDS } from './cli';
export { UsageError, ExitError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors';
export { defineCommand } from './program/commandSpec';
export type {
  CommandContext,
  CommandEntry,
  CommandModule,
  ExitStatus,
  OptionSpec,
  ArgumentSpec,
  OptionTable,
} from './program/commandSpec';
export type { Style } from './output/style';
