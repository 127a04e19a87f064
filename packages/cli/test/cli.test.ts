import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../../../test/helpers/cleanEnv';
import { BIN, expectOneLineError, recordWorkload, runCli } from '../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { BenchmarkSuite } from '@transcriber/benchmarks';
import { ResourceOptimizer } from '@transcriber/optimizer';
import { COMMANDS } from '../src/cli';

afterAll(removeTempDirs);

const PACKAGE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

/** Runs the CLI with a preload that lists the modules it loaded. */
/** Modules under commands/ that commands share (not commands themselves). */
const COMMAND_HELPERS = new Set(['window', 'databaseSelection', 'profileTarget']);

function loadedModules(args: string[], env: Record<string, string> = {}): string[] {
  const list = path.join(makeTempDir(), 'modules.txt');
  const result = spawnSync(
    process.execPath,
    ['--require', path.join(__dirname, 'fixtures', 'listModules.js'), BIN, ...args],
    { env: cleanEnv({ ...env, LIST_MODULES_TO: list }), encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  return fs.readFileSync(list, 'utf8').split('\n');
}

describe('transcriber', () => {
  it('--version prints the package version', () => {
    for (const flag of ['--version', '-V']) {
      const result = runCli([flag]);
      expect(result).toEqual({ status: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
    }
  });

  it('--help lists every command, the global options and examples; each command has its own', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    for (const option of ['--data-dir <dir>', '--json', '--debug', '--version', '--help']) {
      expect(result.stdout).toContain(option);
    }
    for (const name of ['performance', 'traces', 'db']) expect(result.stdout).toMatch(new RegExp(`\\n\\s+${name}\\b`));
    expect(result.stdout).toMatch(/Examples:\n\s+\$ transcriber performance\n/);
    const performance = runCli(['performance', '--help']).stdout;
    for (const option of [
      '--component <name>',
      '--minutes <n>',
      '--live',
      '--interval <seconds>',
      '--export <file>',
      '--format <format>',
    ]) {
      expect(performance).toContain(option);
    }
    expect(performance).toContain('$ transcriber performance --component memory');
    expect(runCli(['db', 'prune', '--help']).stdout).toContain('$ transcriber db prune --older-than 7');
    expect(runCli(['traces', 'show', '--help']).stdout).toMatch(/Usage: transcriber traces show \[options\] <traceId>/);
  });

  it('starts without loading any command, database driver or the OTel SDK', () => {
    const modules = loadedModules(['--version']);
    expect(modules.filter((m) => /[\\/]commands[\\/]/.test(m))).toEqual([]);
    expect(modules.filter((m) => m.includes('better-sqlite3') || m.includes('@opentelemetry'))).toEqual([]);
  });

  // Every command that reads (all but `benchmark` and `collect`, which record, and `profile`, which
  // waits for another process): its own module only, and no OpenTelemetry package at all.
  it('loads only its own command, and no OpenTelemetry package at all, to run any read command', async () => {
    const dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '1']);
    // Something in the event databases too: a benchmark run and a logged optimization.
    await new BenchmarkSuite(dataDir).runBenchmark({ name: 'noop', component: 'stt', fn: () => {}, iterations: 5 });
    const optimizer = new ResourceOptimizer(dataDir);
    await optimizer.optimizeMemoryUsage({ purge: 'none' });
    await optimizer.shutdown();
    const traceId = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'turns']).stdout).turns[0].traceId as string;
    const commands: [string, string[]][] = [
      ['performance', ['performance']],
      ['performance', ['performance', '--component', 'stt']],
      ['performance', ['performance', '--component', 'memory']],
      ['traces', ['traces']],
      ['traceShow', ['traces', 'show', traceId]],
      ['turns', ['turns']],
      ['optimize', ['optimize']],
      ['optimizeLog', ['optimize', 'log']],
      ['benchmarkHistory', ['benchmark', 'history']],
      ['dbInfo', ['db', 'info']],
      ['dbPrune', ['db', 'prune', '--older-than', '3650']],
      ['dbVacuum', ['db', 'vacuum']],
    ];
    // Every read command is here: each command line's entry is the longest command name it starts with.
    const entryOf = (args: string[]) =>
      COMMANDS.filter((c) => `${args.join(' ')} `.startsWith(`${c.name} `)).sort(
        (a, b) => b.name.length - a.name.length,
      )[0].name;
    expect(new Set(commands.map(([, args]) => entryOf(args))).size).toBe(
      // Not read commands: they run things, or serve until stopped (ui's modules: test/commands/ui.test.ts).
      COMMANDS.filter((c) => !['benchmark', 'collect', 'profile', 'ui'].includes(c.name)).length,
    );
    for (const [module, args] of commands) {
      const modules = loadedModules(['--data-dir', dataDir, ...args]);
      const commandModules = modules.filter((m) => /[\\/]commands[\\/]/.test(m)).map((m) => path.basename(m, '.js'));
      expect({ args, command: commandModules.filter((m) => m === module) }).toEqual({ args, command: [module] });
      expect({ args, others: commandModules.filter((m) => !COMMAND_HELPERS.has(m) && m !== module) }).toEqual({
        args,
        others: [],
      });
      // Not even the API: the queries take our names from the instrumentation's light entries.
      expect({ args, otel: modules.filter((m) => m.includes('@opentelemetry')) }).toEqual({ args, otel: [] });
      // Nor the main entries of our own packages that load the SDK or the API.
      expect({
        args,
        entries: modules.filter((m) =>
          /packages[\\/](node|storage|instrumentation|optimizer)[\\/]dist[\\/]index\.js$/.test(m),
        ),
      }).toEqual({ args, entries: [] });
    }
  });

  it('optimize lists recommendations without writing anything', () => {
    const dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '2']);
    // The databases, not the WAL index a reader of a WAL database opens beside one.
    const files = () =>
      fs
        .readdirSync(dataDir)
        .filter((f) => !/-(wal|shm)$/.test(f))
        .sort();
    const before = files();
    const result = runCli(['--data-dir', dataDir, 'optimize']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/recommendation|nothing to recommend|Notes/i);
    expect(files()).toEqual(before);
    expect(before).not.toContain('optimization_logs.db');
  });

  it('finds the data directory: --data-dir, else TRANSCRIBER_PERF_DATA_DIR, else transcriber.config.json, else ./data', () => {
    const cwd = makeTempDir();
    const dataDirOf = (args: string[], env: Record<string, string> = {}) =>
      JSON.parse(runCli(['--json', ...args, 'db', 'info'], { cwd, env }).stdout).dataDir;
    fs.mkdirSync(path.join(cwd, 'data'));
    expect(dataDirOf([])).toBe(path.join(fs.realpathSync(cwd), 'data'));
    fs.mkdirSync(path.join(cwd, 'from-file'));
    fs.writeFileSync(path.join(cwd, 'transcriber.config.json'), JSON.stringify({ dataDir: './from-file' }));
    expect(dataDirOf([])).toBe(path.join(fs.realpathSync(cwd), 'from-file'));
    const fromEnv = makeTempDir();
    expect(dataDirOf([], { TRANSCRIBER_PERF_DATA_DIR: fromEnv })).toBe(fromEnv);
    expect(dataDirOf(['--data-dir', 'data'], { TRANSCRIBER_PERF_DATA_DIR: fromEnv })).toBe(
      path.join(fs.realpathSync(cwd), 'data'),
    );
  });

  it('reports a bad configuration in one line (exit 2)', () => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, 'transcriber.config.json'), '{ "dataDir": ');
    expectOneLineError(
      runCli(['db', 'info'], { cwd }),
      2,
      /configuration: config file .*transcriber\.config\.json is not valid JSON/,
    );
    expectOneLineError(
      runCli(['db', 'info'], { cwd: makeTempDir(), env: { TRANSCRIBER_PERF_DATA_DIR: ' ' } }),
      2,
      /invalid dataDir " " in TRANSCRIBER_PERF_DATA_DIR/,
    );
  });

  it('describes every command in --help, groups too', () => {
    const help = runCli(['--help']).stdout;
    for (const line of help.slice(help.indexOf('Commands:')).split('\n').slice(1)) {
      // A command's name, then its description on the same line.
      if (/^ {2}[a-z]/.test(line)) expect(line).toMatch(/^ {2}[a-z][\w-]*( \[[^\]]*\])*\s{2,}\S/);
    }
    expect(help).toMatch(/^ {2}db\s+the data directory's databases/m);
  });

  it('looks at the same window by default in every view of recorded telemetry', () => {
    for (const command of ['performance', 'turns', 'traces', 'optimize']) {
      expect(runCli([command, '--help']).stdout).toMatch(
        /--minutes <n>\s+how far back to look, in minutes \(default 60\)/,
      );
    }
  });

  it('has one entry per command, each loading (in the built CLI) a module that runs and prints', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(
      expect.arrayContaining(['performance', 'traces', 'traces show', 'db info', 'db prune', 'db vacuum']),
    );
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    for (const entry of COMMANDS) expect(entry.examples.length).toBeGreaterThan(0);
    const check = `require(${JSON.stringify(path.join(path.dirname(BIN), 'cli.js'))}).COMMANDS.reduce(
      (done, e) => done.then(async (names) => {
        const m = await e.load();
        return typeof m.run === 'function' && typeof m.print === 'function' ? [...names, e.name] : names;
      }), Promise.resolve([])).then((names) => console.log(JSON.stringify(names)))`;
    const loaded = spawnSync(process.execPath, ['-e', check], { encoding: 'utf8' });
    expect(loaded.stderr).toBe('');
    expect(JSON.parse(loaded.stdout)).toEqual(COMMANDS.map((c) => c.name));
  });
});
