import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, cleanEnv, expectOneLineError, makeTempDir, recordWorkload, removeTempDirs, runCli } from './helpers/cli';
import { COMMANDS } from '../src/cli';

afterAll(removeTempDirs);

const PACKAGE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

/** Runs the CLI with a preload that lists the modules it loaded. */
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

  it('loads only its own command, and no OpenTelemetry package at all, to run it', () => {
    const dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '1']);
    for (const args of [['performance', '--component', 'stt'], ['performance'], ['turns']]) {
      const modules = loadedModules(['--data-dir', dataDir, ...args]);
      expect(modules.some((m) => m.endsWith(path.join('commands', `${args[0]}.js`)))).toBe(true);
      expect(modules.some((m) => m.endsWith(path.join('commands', 'traces.js')))).toBe(false);
      // Not even the API: the queries take our names from the instrumentation's light entries.
      expect(modules.filter((m) => m.includes('@opentelemetry'))).toEqual([]);
      // Nor the main entries of our own packages, which load the SDK or the API.
      expect(
        modules.filter((m) => /packages[\\/](node|storage|instrumentation)[\\/]dist[\\/]index\.js$/.test(m)),
      ).toEqual([]);
    }
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
