/**
 * A preloaded app's resources are stored every `monitoringInterval` (not once per metric export),
 * each sample covering its own interval, and none taken in the middle of shutting down: the last
 * one used to cover microseconds (event-loop delay 0, machine CPU 0) and was what `performance`
 * showed as the process's current state.
 */
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runCli } from '../../../../test/helpers/cli';
import { runNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { queryRows } from '../../../../test/helpers/sqlite';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const INTERVAL_S = 0.2;
const WORK_MS = 3000;

interface Snapshot {
  time_us: number;
  event_loop_delay_p50_ms: number | null;
  event_loop_delay_p99_ms: number | null;
  event_loop_delay_max_ms: number | null;
  system_cpu_utilization: number | null;
  rss_bytes: number;
}

let result: ProcessResult;
let dataDir: string;
let snapshots: Snapshot[];

beforeAll(async () => {
  const project = tempProject({
    // The metric export stays at its default (10 s): snapshots must not wait for it.
    'transcriber.config.json': JSON.stringify({ monitoringInterval: INTERVAL_S }),
    'app.js': `
      const until = Date.now() + ${WORK_MS};
      const timer = setInterval(() => { if (Date.now() > until) clearInterval(timer); }, 20);`,
  });
  dataDir = project.dataDir;
  result = await runNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
  });
  snapshots = queryRows<Snapshot>(dataDir, 'performance_metrics', 'SELECT * FROM resource_snapshots ORDER BY time_us');
});

it('stores a snapshot every monitoringInterval', () => {
  expect(result).toMatchObject({ code: 0, stderr: '' });
  // 3 s at 0.2 s: 15, less what a loaded machine delays.
  expect(snapshots.length).toBeGreaterThanOrEqual(12);
  expect(snapshots.length).toBeLessThanOrEqual(17);
  const gapsMs = snapshots.slice(1).map((s, i) => (s.time_us - snapshots[i].time_us) / 1000);
  const sorted = [...gapsMs].sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(INTERVAL_S * 1000 * 0.75);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(INTERVAL_S * 1000 * 1.5);
  // None is a sliver of an interval (the shutdown's used to be microseconds after the one before).
  expect(sorted[0]).toBeGreaterThanOrEqual((INTERVAL_S * 1000) / 2 - 5);
});

it('measures every snapshot, the last one too: event-loop delay and machine CPU, never a zero standing for nothing', () => {
  for (const s of snapshots) {
    // Null is "not measured"; a stored 0 used to stand for it.
    expect(s.event_loop_delay_p50_ms).not.toBeNull();
    expect(s.event_loop_delay_p99_ms).not.toBeNull();
    expect(s.event_loop_delay_max_ms).not.toBeNull();
    expect(s.system_cpu_utilization).not.toBeNull();
    expect(s.system_cpu_utilization).toBeGreaterThanOrEqual(0);
    expect(s.system_cpu_utilization).toBeLessThanOrEqual(1);
  }
  // The kernel counts CPU time in ticks (10 ms) given to whatever runs at each tick, so a 200 ms
  // interval of an idle machine can count no busy tick (a CI run met one); over the 3 s, the
  // machine that runs this test is busy for some of them.
  expect(snapshots.some((s) => s.system_cpu_utilization! > 0)).toBe(true);
});

it("shows a measured sample as the process's current state in transcriber performance", () => {
  const run = runCli(['--data-dir', dataDir, '--json', 'performance']);
  expect(run.status).toBe(0);
  const [resources] = JSON.parse(run.stdout).resources;
  expect(resources.samples).toBe(snapshots.length);
  expect(resources.latest.timeUs).toBe(snapshots[snapshots.length - 1].time_us);
  expect(resources.latest.eventLoopDelayP99Ms).not.toBeNull();
  expect(resources.latest.systemCpuUtilization).not.toBeNull();
});
