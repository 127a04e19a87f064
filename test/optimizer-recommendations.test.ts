import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ResourceOptimizer, type Figure } from '@transcriber/optimizer';
import { openForQuery, optimizationLog } from '@transcriber/queries';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

// An agent that leaks and blocks its event loop, recorded by the real monitor in its own process;
// the optimizer reads what was recorded and names both problems with their evidence.
describe('optimizer recommendations from a recorded agent', () => {
  const dataDir = makeTempDir('transcriber-optimizer-e2e-');
  afterAll(removeTempDirs);
  // --expose-gc: the agent collects its start-up's garbage before its leak starts (see the fixture).
  const run = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'fixtures', 'leaky-agent.js')], {
    encoding: 'utf8',
    env: { ...process.env, TRANSCRIBER_PERF_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  const pid = Number(run.stdout.trim());

  it('records the agent', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(pid).toBeGreaterThan(0);
  });

  it('finds the leak, the event-loop delay and the slow VAD, and logs them', async () => {
    const optimizer = new ResourceOptimizer(dataDir);
    const report = optimizer.getOptimizationRecommendations({ minutes: 5 });
    await optimizer.shutdown();
    const byId = Object.fromEntries(report.recommendations.map((r) => [r.id, r]));

    const leak = byId[`memory-growth:${pid}`];
    expect(leak).toBeDefined();
    expect(leak.component).toBe('memory');
    // 64 MiB were retained over the run, 4 MiB 1.25 s into each turn: the first and last quarters'
    // floors come before turn 0's and turn 12's, so 48 MiB fall between them (the heap in the
    // floors moves it by a few MiB: 44.8-51.2 read on Node 20, 22 and 24).
    expect((leak.evidence.growthMb as Figure).value).toBeGreaterThan(40);
    expect((leak.evidence.growthMb as Figure).basis).toBe('derived');
    expect((leak.evidence.samples as Figure).value).toBeGreaterThanOrEqual(8);
    expect(leak.expectedImprovement).toMatch(/^stops \d+(\.\d)? MiB\/h of growth/);

    const loop = byId[`event-loop-delay:${pid}`];
    expect(loop).toBeDefined();
    expect((loop.evidence.delayMaxMs as Figure).value).toBeGreaterThan(30);

    const vad = byId['latency:vad'];
    expect(vad).toBeDefined();
    expect((vad.evidence.p95Ms as Figure).value).toBeGreaterThanOrEqual(59);
    // Its VAD computes on the event loop (a synchronous 60 ms): the advice is to compute less.
    expect((vad.evidence.loopBusyShare as Figure).value).toBe(1);
    expect(vad.description).toMatch(/it computes on the event loop: .*lighter model/);
    expect(vad.priority).toBe('high');

    const db = openForQuery(dataDir, 'optimization_logs');
    const logged = optimizationLog(db, { sinceUs: 0, type: 'recommendation' }).map((e) => e.recommendationId);
    db.close();
    expect(logged.sort()).toEqual(report.recommendations.map((r) => r.id).sort());
  });
});
