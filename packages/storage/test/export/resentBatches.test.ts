// A retrying exporter re-sends a batch it got no answer for (issue 18, item 6): every span was
// stored again, `traces show` said 14 spans and drew 7, `performance` counted double. One row per
// (trace id, span id) and per metric point, whatever sends them twice; the rollup counts each once.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { SqliteMetricExporter, SqliteSpanExporter } from '@transcriber/storage';
import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import { databasePath } from '@transcriber/storage/files';
import { recordSpans } from '../../../../test/helpers/recordSpans';
import { queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const rollup = (dataDir: string) =>
  queryRows<{ component: string; count: number; errors: number }>(
    dataDir,
    'performance_metrics',
    'SELECT component, sum(count) AS count, sum(errors) AS errors FROM span_rollup GROUP BY component ORDER BY component',
  );

function exportAsync(exporter: SqliteSpanExporter | SqliteMetricExporter, items: never): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items, resolve));
}

describe('the same batch exported twice', () => {
  it('stores each span once, and counts it once in the rollup', async () => {
    const dataDir = makeTempDir();
    const spans = await recordSpans(dataDir, [
      { component: 'pipeline', operation: 'turn', startMs: 0, durationMs: 900 },
      { component: 'stt', operation: 'transcribe', startMs: 10, durationMs: 300, parent: 0 },
      { component: 'llm', operation: 'complete', startMs: 320, durationMs: 400, parent: 0, errorType: 'Timeout' },
    ]);
    const exporter = new SqliteSpanExporter({ dataDir, retention: {} });
    // Sent again, whole and in part, as a retry would.
    expect((await exportAsync(exporter, spans as never)).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportAsync(exporter, spans.slice(1) as never)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.forceFlush();
    await exporter.shutdown();
    const rows = queryRows<{ span_id: string }>(
      dataDir,
      'performance_metrics',
      'SELECT span_id FROM spans ORDER BY start_us',
    );
    expect(rows.map((r) => r.span_id)).toEqual(spans.map((s) => s.spanContext().spanId));
    expect(rollup(dataDir)).toEqual([
      { component: 'llm', count: 1, errors: 1 },
      { component: 'pipeline', count: 1, errors: 0 },
      { component: 'stt', count: 1, errors: 0 },
    ]);
  });

  it('stores each metric point once', async () => {
    const dataDir = makeTempDir();
    const memory = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const reader = new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('resent');
    meter.createHistogram('transcriber.operation.duration').record(0.25, { 'transcriber.component': 'stt' });
    meter.createCounter('tts.characters').add(42, { 'transcriber.component': 'tts' });
    await reader.forceFlush();
    const [collected] = memory.getMetrics();
    const exporter = new SqliteMetricExporter({ dataDir, retention: {} });
    await exportAsync(exporter, collected as never);
    await exportAsync(exporter, collected as never);
    await exporter.forceFlush();
    await exporter.shutdown();
    await provider.shutdown();
    expect(
      queryRows<{ name: string }>(dataDir, 'performance_metrics', 'SELECT name FROM metric_points ORDER BY name'),
    ).toEqual([{ name: 'transcriber.operation.duration' }, { name: 'tts.characters' }]);
  });
});

describe('performance_metrics migration 6', () => {
  it('removes duplicates already stored, takes them out of the rollup, and makes the ids unique', () => {
    const dataDir = makeTempDir();
    const file = databasePath(dataDir, 'performance_metrics');
    const v5 = openDatabaseForWriting(file, migrationsFor('performance_metrics').slice(0, 5));
    const T = 1_780_000_000_000_000;
    const span = v5.prepare(
      `INSERT INTO spans (trace_id, span_id, name, kind, component, operation, start_us, end_us, duration_ms, status_code)
       VALUES (?, ?, 'op', 0, ?, 'op', ?, ?, ?, ?)`,
    );
    const rows: [string, string, string | null, number, number, number][] = [
      ['t1', 's1', 'stt', T, 120, 0],
      ['t1', 's2', 'llm', T, 900, 2],
      ['t1', 's1', 'stt', T, 120, 0], // sent twice
      ['t1', 's2', 'llm', T, 900, 2], // sent twice
      ['t1', 's2', 'llm', T, 900, 2], // and a third time
      ['t2', 's1', 'stt', T + 5, 80, 0], // another trace, same span id: not a duplicate
    ];
    for (const [traceId, spanId, component, startUs, ms, status] of rows) {
      span.run(traceId, spanId, component, startUs, startUs + ms * 1000, ms, status);
    }
    v5.exec(
      `INSERT INTO span_rollup (minute_us, component, resource_id, bucket, count, errors, sum_ms, min_ms, max_ms)
         SELECT start_us - start_us % 60000000, component, coalesce(resource_id, 0),
                CAST(floor(log2(max(duration_ms, 0.001)) * 16) AS INTEGER),
                count(*), sum(status_code = 2), sum(duration_ms), min(duration_ms), max(duration_ms)
           FROM spans WHERE component IS NOT NULL GROUP BY 1, 2, 3, 4`,
    );
    const point = v5.prepare(
      `INSERT INTO metric_points (name, kind, start_us, time_us, value, attributes, resource_id) VALUES (?, 'sum', ?, ?, ?, ?, NULL)`,
    );
    point.run('tts.characters', T, T + 1000, 42, '{"a":1}');
    point.run('tts.characters', T, T + 1000, 42, '{"a":1}'); // sent twice
    point.run('tts.characters', T, T + 1000, 7, '{"a":2}'); // another series
    point.run('tts.characters', T + 1000, T + 2000, 5, '{"a":1}'); // the next window
    v5.close();

    const db = openDatabaseForWriting(file, migrationsFor('performance_metrics'));
    expect(db.prepare('SELECT trace_id, span_id FROM spans ORDER BY id').raw().all()).toEqual([
      ['t1', 's1'],
      ['t1', 's2'],
      ['t2', 's1'],
    ]);
    expect(
      db.prepare('SELECT component, count, errors, sum_ms FROM span_rollup ORDER BY component, bucket').all(),
    ).toEqual([
      { component: 'llm', count: 1, errors: 1, sum_ms: 900 },
      { component: 'stt', count: 1, errors: 0, sum_ms: 80 },
      { component: 'stt', count: 1, errors: 0, sum_ms: 120 },
    ]);
    expect(db.prepare('SELECT value FROM metric_points ORDER BY id').pluck().all()).toEqual([42, 7, 5]);
    expect(() =>
      db
        .prepare(
          `INSERT INTO spans (trace_id, span_id, name, kind, start_us, end_us, duration_ms, status_code)
           VALUES ('t1', 's1', 'op', 0, 1, 2, 1, 0)`,
        )
        .run(),
    ).toThrow(/UNIQUE constraint failed/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
