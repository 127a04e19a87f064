import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import BetterSqlite3 from 'better-sqlite3';
import * as path from 'node:path';
import { monitorComponentPerformance } from '@transcriber/instrumentation';
import { PerformanceIntegration } from '@transcriber/node';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

// cleanup() shuts the SDK down but leaves its providers registered as the globals; a later
// initialize() would join those dead ones. Each test starts from no SDK.
afterEach(() => {
  for (const api of [trace, metrics, context, propagation, logs]) api.disable();
});
afterAll(removeTempDirs);

function profileRows(dataDir: string): Record<string, unknown>[] {
  const db = new BetterSqlite3(path.join(dataDir, 'profile_results.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT component, operation, span_id, sample_count, memory FROM profile_results ORDER BY id')
      .all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

function checksum(n: number): number {
  let h = 0;
  for (let i = 0; i < n; i++) h = (h * 31 + i) | 0;
  return h;
}

class Transcriber {
  @monitorComponentPerformance('stt', 'transcribe', { enableProfiling: true })
  transcribe(n: number): number {
    return checksum(n);
  }
}

describe('PerformanceIntegration.profileOperation', () => {
  it('returns undefined when profiling is disabled (the default)', async () => {
    const perf = new PerformanceIntegration({ dataDir: makeTempDir(), enableMonitoring: false });
    await perf.initialize();
    expect(perf.profileOperation('stt', 'transcribe')).toBeUndefined();
    await perf.cleanup();
  });

  it('returns undefined when the sample rate picks no operation', async () => {
    const perf = new PerformanceIntegration({ dataDir: makeTempDir(), enableProfiling: true, profilingSampleRate: 0 });
    await perf.initialize();
    expect(perf.profileOperation('stt', 'transcribe')).toBeUndefined();
    await perf.cleanup();
  });

  it('profiles the operation inside its span and stores the result; the decorator profiles too', async () => {
    const dataDir = makeTempDir();
    const perf = new PerformanceIntegration({
      dataDir,
      enableMonitoring: false,
      enableProfiling: true,
      enableMemoryProfiling: true,
      profilingSampleRate: 1,
    });
    await perf.initialize();
    const results = perf.timeOperation('llm', 'generate', () => {
      const profile = perf.profileOperation('llm', 'generate')!;
      checksum(2_000_000);
      return profile.stop();
    });
    expect(results).toMatchObject({ component: 'llm', operation: 'generate' });
    expect(results.memory).toBeDefined();
    expect(new Transcriber().transcribe(1000)).toBe(checksum(1000));
    await perf.cleanup();

    const rows = profileRows(dataDir);
    expect(rows.map((r) => [r.component, r.operation])).toEqual([
      ['llm', 'generate'],
      ['stt', 'transcribe'],
    ]);
    expect(rows[0].span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.parse(rows[1].memory as string).leak.status).toBe('insufficient_runs');
  });
});
