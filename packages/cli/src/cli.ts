import { DATABASE_NAMES } from '@transcriber/storage/files';
import { exitFor } from './program/exitFor';
import { buildProgram } from './program/buildProgram';
import { defineCommand, type CommandEntry } from './program/commandSpec';
import {
  componentOption,
  exportOption,
  forceOption,
  formatOption,
  intervalOption,
  limitOption,
  liveOption,
  minutesOption,
  NO_COMPONENT,
  nonNegativeNumber,
  oneOf,
  positiveInteger,
  portNumber,
  portOrOff,
  positiveNumber,
  serviceOption,
} from './options';

/*
 * THE COMMAND TABLE. Adding a command is adding one entry here:
 *
 *   defineCommand({
 *     name: 'benchmark',                      // or 'parent child', e.g. 'db info'
 *     summary: 'one line for --help',
 *     options: {                              // one key per field of the command's options type;
 *       component: componentOption('…'),      // the type check fails if one is missing
 *       iterations: { flags: '--iterations <n>', description: '…', default: 100, parse: positiveInteger },
 *       outputFile: { ...exportOption, flags: '--output <file>' },
 *     },
 *     examples: ['transcriber benchmark --component stt --iterations 50'],
 *     load: () => import('./commands/benchmark').then((m) => m.benchmarkCommand),
 *   }),
 *
 * and writing src/commands/<name>.ts exporting a CommandModule: `run(options & { dataDir, cwd, json,
 * debug })` returns data (no printing, no exiting: throw UsageError / ExitError(code) / QueryError),
 * `print(data, style)` returns the text view (put it in src/printers/), optional `rows(data)` gives
 * flat rows for CSV. Option keys the program acts on for any command: `live` + `interval` (re-run
 * and redraw until Ctrl-C), `outputFile` + `format` (write the data as JSON or CSV). --json,
 * --data-dir and --debug are global. Modules are imported only when their command runs (this package
 * compiles to CommonJS, see its tsconfig, so `import()` becomes a lazy require(): an ESM import()
 * costs 15-90 ms of start-up).
 */
export const COMMANDS: readonly CommandEntry[] = [
  defineCommand({
    name: 'performance',
    summary: 'per-component latency, errors and resources over the last minutes',
    options: {
      component: componentOption('only this component; "memory" shows memory history and trend', ['memory']),
      service: serviceOption,
      minutes: minutesOption(),
      live: liveOption,
      interval: intervalOption(2),
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: [
      'transcriber performance',
      'transcriber performance --live',
      'transcriber performance --component stt --minutes 30',
      'transcriber performance --component memory',
      'transcriber performance --service my-voice-agent',
      'transcriber performance --minutes 60 --export metrics.csv',
    ],
    load: () => import('./commands/performance').then((m) => m.performanceCommand),
  }),
  defineCommand({
    name: 'traces',
    summary: 'recent (or slowest) operations; `traces show <traceId>` draws one trace',
    options: {
      component: componentOption('only operations of this component; "none": spans without one (received over OTLP)', [
        NO_COMPONENT,
      ]),
      service: serviceOption,
      minutes: minutesOption(),
      limit: limitOption(20),
      minDurationMs: {
        flags: '--min-duration <ms>',
        description: 'only operations at least this long',
        parse: nonNegativeNumber,
      },
      errors: { flags: '--errors', description: 'only failed operations' },
      slowest: { flags: '--slowest', description: 'longest first instead of newest first' },
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: [
      'transcriber traces --limit 20',
      'transcriber traces --slowest --component llm --minutes 120',
      'transcriber traces --errors --json',
      'transcriber traces --min-duration 500',
    ],
    load: () => import('./commands/traces').then((m) => m.tracesCommand),
  }),
  defineCommand({
    name: 'traces show',
    summary: 'one trace as a waterfall: span tree, components, offsets, durations, errors',
    options: {
      traceId: { argument: '<traceId>', description: 'the 32-hex-digit trace id (see `transcriber traces`)' },
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: ['transcriber traces show 4bf92f3577b34da6a3ce929d0e0e4736'],
    load: () => import('./commands/traceShow').then((m) => m.traceShowCommand),
  }),
  defineCommand({
    name: 'turns',
    summary: 'recent voice turns: voice-to-voice latency as a bar per turn, its stages, the slowest highlighted',
    options: {
      service: serviceOption,
      minutes: minutesOption(),
      limit: limitOption(20),
      slowest: { flags: '--slowest', description: 'slowest voice-to-voice first instead of newest first' },
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: [
      'transcriber turns',
      'transcriber turns --slowest --minutes 1440 --limit 10',
      'transcriber turns --json',
      'transcriber turns --service transcriber-benchmark   # the synthetic turns of benchmark runs',
    ],
    load: () => import('./commands/turns').then((m) => m.turnsCommand),
  }),
  defineCommand({
    name: 'profile',
    summary: 'CPU hot spots per component (and memory, leaks) of a running or started Node program',
    options: {
      duration: {
        flags: '--duration <seconds>',
        description: 'how long to profile (default 60)',
        default: 60,
        parse: positiveNumber,
      },
      component: componentOption('hot spots of this component only (the breakdown still lists all)'),
      memory: { flags: '--memory', description: 'also sample the heap and judge leaks (forces full GCs)' },
      outputFile: {
        ...exportOption,
        flags: '--output <file>',
        description: 'also write the report to FILE (.json: JSON, .txt: text, or see --format)',
      },
      format: formatOption,
      force: forceOption,
      pid: {
        flags: '--pid <pid>',
        description: 'profile this running process (started with @transcriber/node/register)',
        parse: positiveInteger,
      },
      command: { argument: '[command...]', description: 'or start this Node program and profile it: -- node agent.js' },
    },
    examples: [
      'transcriber profile --pid 4242 --duration 30',
      'transcriber profile --component stt --memory -- node agent.js',
      'transcriber profile --pid 4242 --output profile.txt',
      'transcriber profile --pid 4242 --json',
    ],
    load: () => import('./commands/profile').then((m) => m.profileCommand),
  }),
  defineCommand({
    name: 'benchmark',
    summary: 'run the bench files (benchmarkFiles) and compare each result with its history',
    options: {
      component: componentOption('only bench files of this component (pipeline: end to end, with its breakdown)'),
      iterations: {
        flags: '--iterations <n>',
        description: "iterations of every benchmark (default: each file's own, else defaultBenchmarkIterations)",
        parse: positiveInteger,
      },
      minEffect: {
        flags: '--min-effect <percent>',
        description: 'smallest median change that counts as a regression or improvement (default 10)',
        default: 10,
        parse: positiveNumber,
      },
      failOnRegression: {
        flags: '--fail-on-regression',
        description: 'exit with code 3 when a benchmark regressed against its history (for CI)',
      },
      outputFile: { ...exportOption, flags: '--output <file>', description: 'also write the results to FILE' },
      format: formatOption,
      force: forceOption,
    },
    examples: [
      'transcriber benchmark',
      'transcriber benchmark --component stt --iterations 50',
      'transcriber benchmark --component pipeline',
      'transcriber benchmark --fail-on-regression --output results.csv --format csv',
    ],
    load: () => import('./commands/benchmark').then((m) => m.benchmarkCommand),
  }),
  defineCommand({
    name: 'benchmark history',
    summary: "each benchmark's trend over the last days, as a chart of its medians",
    options: {
      days: {
        flags: '--days <n>',
        description: 'how far back to look, in days (default 30)',
        default: 30,
        parse: positiveNumber,
      },
      component: componentOption('only benchmarks of this component'),
      name: { flags: '--name <benchmark>', description: 'only the benchmark of this name' },
      minEffect: {
        flags: '--min-effect <percent>',
        description: 'smallest change shown as slower or faster rather than flat (default 10)',
        default: 10,
        parse: positiveNumber,
      },
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: ['transcriber benchmark history --days 7', 'transcriber benchmark history --component stt --json'],
    load: () => import('./commands/benchmarkHistory').then((m) => m.benchmarkHistoryCommand),
  }),
  defineCommand({
    name: 'collect',
    summary: 'receive OTLP (HTTP and gRPC) from agents in any language (or a Collector) into the local databases',
    options: {
      host: {
        flags: '--host <address>',
        description: 'address to listen on (0.0.0.0 for every interface)',
        default: '127.0.0.1',
      },
      port: {
        flags: '--port <port>',
        description: 'port for OTLP/HTTP (4318 is its default; 0 picks a free one)',
        default: 4318,
        parse: portNumber,
      },
      grpcPort: {
        flags: '--grpc-port <port>',
        description: 'port for OTLP/gRPC on the same host (4317 is its default; 0 picks a free one; off for none)',
        default: 4317,
        parse: portOrOff,
      },
    },
    examples: [
      'transcriber collect',
      'transcriber collect --port 4319 --grpc-port 4320 --data-dir ./agent-data',
      'transcriber collect --host 172.17.0.1 --port 4319 --grpc-port off   # reachable from Docker containers (otel-collector.yaml)',
    ],
    load: () => import('./commands/collect').then((m) => m.collectCommand),
  }),
  defineCommand({
    name: 'ui',
    summary:
      'a local web view of turns, traces, profiles and benchmarks (read-only; new data appears as it is written)',
    options: {
      host: {
        flags: '--host <address>',
        description: 'address to listen on (only this address or "localhost" is accepted as Host)',
        default: '127.0.0.1',
      },
      port: {
        flags: '--port <port>',
        description: 'port to listen on (0 picks a free one)',
        default: 7777,
        parse: portNumber,
      },
      open: { flags: '--open', description: "open the page in the desktop's browser" },
    },
    examples: ['transcriber ui', 'transcriber ui --data-dir ./agent-data --port 8080 --open'],
    load: () => import('./commands/ui').then((m) => m.uiCommand),
  }),
  defineCommand({
    name: 'optimize',
    summary: 'recommendations from the recorded data, each with its evidence; --apply memory on a running process',
    options: {
      component: componentOption('only recommendations about this component', ['memory', 'event_loop']),
      service: serviceOption,
      minutes: minutesOption(),
      apply: {
        flags: '--apply <optimization>',
        description: 'carry out an optimization in the running process given by --pid (only "memory" is safe)',
        parse: oneOf(['memory'] as const),
      },
      pid: {
        flags: '--pid <pid>',
        description: 'the running instrumented process (@transcriber/node/register) --apply acts on',
        parse: positiveInteger,
      },
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: [
      'transcriber optimize',
      'transcriber optimize --component stt --minutes 120',
      'transcriber optimize --json',
      'transcriber optimize --apply memory --pid 4242',
    ],
    load: () => import('./commands/optimize').then((m) => m.optimizeCommand),
  }),
  defineCommand({
    name: 'optimize log',
    summary: 'optimizations carried out (measured before/after) and recommendations made, newest first',
    options: {
      component: componentOption('only entries about this component', ['memory', 'event_loop']),
      minutes: minutesOption(1440),
      limit: limitOption(50),
      type: {
        flags: '--type <type>',
        description: 'only "action" (optimizations carried out) or "recommendation"',
        parse: oneOf(['action', 'recommendation'] as const),
      },
      outputFile: exportOption,
      format: formatOption,
      force: forceOption,
    },
    examples: ['transcriber optimize log', 'transcriber optimize log --type action --json'],
    load: () => import('./commands/optimizeLog').then((m) => m.optimizeLogCommand),
  }),
  defineCommand({
    name: 'db info',
    summary: 'size, row counts and time range of each database',
    options: {},
    examples: ['transcriber db info', 'transcriber db info --data-dir /var/lib/agent/data --json'],
    load: () => import('./commands/dbInfo').then((m) => m.dbInfoCommand),
  }),
  defineCommand({
    name: 'db prune',
    summary: 'delete history older than N days and/or beyond N rows per table',
    options: {
      olderThanDays: {
        flags: '--older-than <days>',
        description: 'delete rows older than this many days',
        parse: positiveNumber,
      },
      maxRows: {
        flags: '--max-rows <n>',
        description: 'keep at most this many (newest) rows per table',
        parse: positiveInteger,
      },
      database: {
        flags: '--database <name>',
        description: `only this database (${DATABASE_NAMES.join(', ')})`,
        parse: oneOf(DATABASE_NAMES),
      },
    },
    examples: [
      'transcriber db prune --older-than 7',
      'transcriber db prune --max-rows 100000 --database performance_metrics',
    ],
    load: () => import('./commands/dbPrune').then((m) => m.dbPruneCommand),
  }),
  defineCommand({
    name: 'db vacuum',
    summary: 'give the space of deleted rows back to the file system',
    options: {
      database: {
        flags: '--database <name>',
        description: `only this database (${DATABASE_NAMES.join(', ')})`,
        parse: oneOf(DATABASE_NAMES),
      },
    },
    examples: ['transcriber db vacuum', 'transcriber db prune --older-than 7 && transcriber db vacuum'],
    load: () => import('./commands/dbVacuum').then((m) => m.dbVacuumCommand),
  }),
];

/** Runs the CLI; resolves to the exit code. Every error is turned into one line here, by exitFor. */
/** Commands that only group others (`db info`, `db prune`, …), with their line in --help. */
const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  db: "the data directory's databases: info (sizes, rows, time ranges), prune, vacuum",
};

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    await buildProgram(COMMANDS, COMMAND_GROUPS).parseAsync([...argv]);
    return 0;
  } catch (err) {
    const plan = exitFor(err, argv.includes('--debug'));
    if (plan.message !== undefined) process.stderr.write(plan.message + '\n');
    return plan.code;
  }
}
