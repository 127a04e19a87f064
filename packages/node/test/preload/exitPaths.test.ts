/**
 * Every way out of a preloaded app keeps its exit status and loses nothing recorded: a normal end
 * (with the app's exit code), process.exit(), a crash, and SIGTERM / SIGINT with and without the
 * app's own handlers.
 */
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { startNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedMetricNames, storedSpans } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const FILES = {
  'transcriber.config.json': JSON.stringify({
    instrument: [{ module: './work.js', export: 'step', component: 'agent' }],
  }),
  'work.js': `exports.step = function step(n) { return n + 1; };`,
  // argv[2]: how to end; argv[3]: the signal an app handler listens to.
  'app.js': `
    const { step } = require('./work.js');
    const how = process.argv[2];
    step(1);
    if (how === 'normal') {
      process.exitCode = 3;
    } else if (how === 'busy') {
      // Long enough for the SQLite writer to start its background work (WAL checkpoints).
      let calls = 1;
      const timer = setInterval(() => calls = step(calls), 20);
      setTimeout(() => { clearInterval(timer); console.log('calls ' + calls); }, 1500);
    } else if (how === 'exit') {
      process.exit(4);
    } else if (how === 'crash') {
      setImmediate(() => { throw new Error('boom'); });
    } else {
      if (how === 'handler') {
        process.on(process.argv[3], () => {
          // The app's own graceful shutdown: it decides when and with what code to exit.
          setTimeout(() => { console.log('cleaned up'); process.exit(7); }, 50);
        });
      }
      setInterval(() => step(2), 60_000);
      console.log('ready');
    }`,
};

interface Scenario {
  name: string;
  args: string[];
  signal?: NodeJS.Signals;
  expected: Partial<ProcessResult>;
  /** Metric points reach SQLite too (not on process.exit() and crashes: their collection is asynchronous). */
  metrics: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'normal end with exitCode 3', args: ['normal'], expected: { code: 3, signal: null }, metrics: true },
  { name: 'normal end after 1.5 s of work', args: ['busy'], expected: { code: 0, signal: null }, metrics: true },
  { name: 'process.exit(4)', args: ['exit'], expected: { code: 4, signal: null }, metrics: false },
  { name: 'uncaught exception', args: ['crash'], expected: { code: 1, signal: null }, metrics: false },
  {
    name: 'SIGTERM, no app handler',
    args: ['wait'],
    signal: 'SIGTERM',
    expected: { code: null, signal: 'SIGTERM' },
    metrics: true,
  },
  {
    name: 'SIGINT, no app handler',
    args: ['wait'],
    signal: 'SIGINT',
    expected: { code: null, signal: 'SIGINT' },
    metrics: true,
  },
  {
    name: 'SIGTERM, app handler',
    args: ['handler', 'SIGTERM'],
    signal: 'SIGTERM',
    expected: { code: 7, signal: null },
    metrics: false,
  },
  {
    name: 'SIGINT, app handler',
    args: ['handler', 'SIGINT'],
    signal: 'SIGINT',
    expected: { code: 7, signal: null },
    metrics: false,
  },
];

const outcomes = new Map<string, { result: ProcessResult; dataDir: string }>();

beforeAll(async () => {
  await Promise.all(
    SCENARIOS.map(async (scenario) => {
      const project = tempProject(FILES);
      const child = startNode(['--require', '@transcriber/node/register', 'app.js', ...scenario.args], {
        cwd: project.dir,
        env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
      });
      if (scenario.signal !== undefined) {
        await child.waitForLine(/^ready$/);
        child.kill(scenario.signal);
      }
      outcomes.set(scenario.name, { result: await child.exited, dataDir: project.dataDir });
    }),
  );
});

describe.each(SCENARIOS)('$name', (scenario) => {
  it('exits as the app would without the preload', () => {
    const { result } = outcomes.get(scenario.name)!;
    expect({ code: result.code, signal: result.signal }).toEqual(scenario.expected);
    if (scenario.args[0] === 'handler') expect(result.stdout).toBe('ready\ncleaned up\n');
    if (scenario.args[0] === 'busy') expect(result.stdout).toMatch(/^calls \d+\n$/);
    if (scenario.args[0] === 'crash') expect(result.stderr).toMatch(/Error: boom/);
    else expect(result.stderr).toBe('');
  });

  it('stored the operation recorded before the exit', () => {
    const { dataDir } = outcomes.get(scenario.name)!;
    const operations = storedSpans(dataDir).filter((s) => s.component === 'agent');
    if (scenario.args[0] === 'busy') {
      // Every call the app made, however many the machine's load allowed.
      const calls = Number(/^calls (\d+)$/m.exec(outcomes.get(scenario.name)!.result.stdout)?.[1]);
      expect(calls).toBeGreaterThan(1);
      expect(operations).toHaveLength(calls);
    } else {
      expect(operations.map((s) => s.operation)).toEqual(['step']);
    }
    if (scenario.metrics) {
      const metrics = storedMetricNames(dataDir);
      expect(metrics.get('transcriber.operation.duration')).toBeGreaterThan(0);
      expect(metrics.get('v8js.memory.heap.used')).toBeGreaterThan(0);
    }
  });
});
