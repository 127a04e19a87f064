import type { Database } from 'better-sqlite3';
import { PerformanceWriter, type SpanBatch } from '@transcriber/storage';
import { databasePath } from '@transcriber/storage/files';
import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { captureDiag, type CapturedDiag } from '../../../../test/helpers/diag';
import { queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { sleep, waitFor } from '../../../../test/helpers/wait';

afterAll(removeTempDirs);

const RESOURCE = JSON.stringify({ 'service.name': 'voice-agent', 'process.pid': 42 });

/** `count` spans as the exporter makes them (see spanRows.ts), numbered from `from`. */
function spans(from: number, count: number): SpanBatch {
  const values: unknown[] = [];
  for (let i = from; i < from + count; i++) {
    const startUs = 1_800_000_000_000_000 + i * 1000;
    values.push(
      i.toString(16).padStart(32, '0'),
      i.toString(16).padStart(16, '0'),
      null,
      0, // strings[0]: the name
      0,
      1,
      2,
      startUs,
      startUs + 500,
      0.5,
      i % 10 === 0 ? 2 : 0,
      null,
      null,
      JSON.stringify({ n: i }),
      null,
      null,
      3,
      0,
    );
  }
  return {
    kind: 'spans',
    rows: count,
    resources: [RESOURCE],
    strings: ['stt.transcribe', 'stt', 'transcribe', 'test'],
    values,
  };
}

describe('PerformanceWriter', () => {
  let logged: CapturedDiag;
  let dataDir: string;
  let file: string;
  const writers: PerformanceWriter[] = [];

  const writer = (options: { afterOpen?: (db: Database) => void; maxPendingRows?: number; gatherMs?: number } = {}) => {
    const w = new PerformanceWriter({ file, ...options });
    writers.push(w);
    return w;
  };
  const stored = () =>
    queryRows<{ n: number }>(
      dataDir,
      'performance_metrics',
      "SELECT json_extract(attributes, '$.n') AS n FROM spans ORDER BY id",
    ).map((r) => r.n);

  beforeEach(() => {
    logged = captureDiag();
    dataDir = makeTempDir();
    file = databasePath(dataDir, 'performance_metrics');
  });

  afterEach(() => {
    for (const w of writers.splice(0)) w.close();
    logged.restore();
  });

  it('writes a trickle on the app thread, then moves to a worker once more than 1,000 rows come in a second', async () => {
    const w = writer();
    w.submit(spans(0, 300));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(false);
    expect(stored()).toHaveLength(300);
    w.submit(spans(300, 800));
    // Nothing is written inside submit(): the queue here is written in its slices, then the thread
    // starts and takes what came meanwhile.
    expect(stored()).toHaveLength(300);
    w.submit(spans(1100, 100));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    expect(stored()).toEqual([...Array(1200).keys()]);
    w.submit(spans(1200, 100));
    await w.whenIdle();
    expect(stored()).toHaveLength(1300);
    expect(w.rowsWritten).toBe(1300);
  });

  it("with gatherMs, gathers batches submitted apart on the app's thread, and writes them at once on a flush", async () => {
    const w = writer({ gatherMs: 60_000 });
    w.submit(spans(0, 3));
    await sleep(20);
    w.submit(spans(3, 2));
    await sleep(20);
    // A span batch and a resource sample a moment apart (their own timers) wait for each other.
    expect(w.rowsWritten).toBe(0);
    await w.whenIdle();
    expect(stored()).toEqual([0, 1, 2, 3, 4]);
    // Without it, each is written on the next turn.
    const prompt = writer();
    prompt.submit(spans(5, 1));
    await sleep(20);
    expect(prompt.rowsWritten).toBe(1);
    expect(w.writesInWorker).toBe(false);
  });

  it('writes spans, their rollup, metric points and a resource snapshot from a worker thread', async () => {
    const w = writer();
    w.submit(spans(0, 1001)); // past a second's 1,000 rows: the thread takes over
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    w.submit({
      kind: 'metrics',
      rows: 2,
      resource: RESOURCE,
      points: [
        'transcriber.operations',
        null,
        'sum',
        'stt',
        'transcribe',
        1,
        2,
        7,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        'test',
      ],
      snapshot: [3, 42, 0.5, 1000, 500, 800, 100, 1, 2, 3, 0.25, 4000, 8000],
    });
    w.submit(spans(1001, 499));
    expect(w.rowsPending).toBeGreaterThanOrEqual(501);
    await w.whenIdle();
    expect(w.rowsPending).toBe(0);
    expect(w.rowsWritten).toBe(1502);
    expect(stored()).toEqual([...Array(1500).keys()]);
    expect(
      queryRows(dataDir, 'performance_metrics', 'SELECT DISTINCT name, component, operation, scope FROM spans'),
    ).toEqual([{ name: 'stt.transcribe', component: 'stt', operation: 'transcribe', scope: 'test' }]);
    const [rollup] = queryRows<{ count: number; errors: number }>(
      dataDir,
      'performance_metrics',
      'SELECT sum(count) AS count, sum(errors) AS errors FROM span_rollup',
    );
    expect(rollup).toEqual({ count: 1500, errors: 150 });
    // One resource row, shared by every span, point and snapshot.
    const resources = queryRows<{ id: number; service_name: string }>(
      dataDir,
      'performance_metrics',
      'SELECT id, service_name FROM resources',
    );
    expect(resources).toEqual([{ id: expect.any(Number), service_name: 'voice-agent' }]);
    const id = resources[0].id;
    expect(queryRows(dataDir, 'performance_metrics', 'SELECT DISTINCT resource_id AS r FROM spans')).toEqual([
      { r: id },
    ]);
    expect(
      queryRows(dataDir, 'performance_metrics', 'SELECT name, value, resource_id AS r FROM metric_points'),
    ).toEqual([{ name: 'transcriber.operations', value: 7, r: id }]);
    expect(
      queryRows(dataDir, 'performance_metrics', 'SELECT pid, rss_bytes, resource_id AS r FROM resource_snapshots'),
    ).toEqual([{ pid: 42, rss_bytes: 1000, r: id }]);
  });

  it("copies the thread's WAL back into the file while it writes (a checkpointer of its own)", async () => {
    const w = writer();
    w.submit(spans(0, 1001));
    // Spans 1001…5000: each span once (a span stored again is ignored since schema 6).
    for (let i = 0; i < 40; i++) w.submit(spans(1001 + i * 100, 100));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    // A few MiB of WAL, far below SQLite's own checkpoint (64 MiB): only the checkpointer, a
    // quarter of a second after the thread opened the file, copies the pages into it.
    const reader = new BetterSqlite3(file, { readonly: true });
    const pages =
      (reader.pragma('page_count', { simple: true }) as number) *
      (reader.pragma('page_size', { simple: true }) as number);
    reader.close();
    await waitFor('the background checkpoint', () => fs.statSync(file).size >= pages);
    expect(stored()).toHaveLength(5001);
  });

  it('drainSync blocks until the thread has written everything submitted', async () => {
    const w = writer();
    w.submit(spans(0, 1001));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    w.submit(spans(1001, 999));
    for (let i = 20; i < 40; i++) w.submit(spans(i * 100, 100));
    w.drainSync();
    expect(w.rowsPending).toBe(0);
    expect(stored()).toHaveLength(4000);
  });

  it('drainSync in the middle of the move writes everything on this thread, which keeps the writing', () => {
    const w = writer();
    w.submit(spans(0, 1001));
    w.submit(spans(1001, 99)); // held: the move waits for the queue here
    w.drainSync();
    expect(w.rowsPending).toBe(0);
    expect(stored()).toEqual([...Array(1100).keys()]);
    expect(w.writesInWorker).toBe(false);
  });

  it("reports a fault from the thread: warned once on the app's thread, rows kept, pending, then written", async () => {
    const w = writer();
    w.submit(spans(0, 1001));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    // Another connection holds the write lock past the writer's busy timeout.
    const holder = new BetterSqlite3(file);
    holder.exec('BEGIN IMMEDIATE');
    w.submit(spans(1001, 10));
    await waitFor('the fault', () => w.currentFault !== undefined);
    expect(w.currentFault).toBe('locked');
    expect(w.rowsPending).toBe(10);
    await waitFor('the warning', () => logged.warnings.length > 0);
    expect(logged.warnings).toEqual([expect.stringMatching(/performance_metrics\.db .*lock/)]);
    // A flush does not wait for a fault to clear.
    await w.whenIdle();
    holder.exec('COMMIT');
    holder.close();
    await waitFor('the retry', () => w.rowsPending === 0, 15_000);
    expect(w.currentFault).toBeUndefined();
    expect(stored()).toEqual([...Array(1011).keys()]);
    expect(logged.warnings).toHaveLength(1);
  });

  it('reports rows it could not write before shutdown, within close()', async () => {
    const w = writer();
    w.submit(spans(0, 1001));
    await w.whenIdle();
    const holder = new BetterSqlite3(file);
    holder.exec('BEGIN IMMEDIATE');
    w.submit(spans(1001, 10));
    await waitFor('the fault', () => w.currentFault === 'locked');
    // The final drain waits 5 s for the lock; the lock outlives it.
    w.close();
    holder.exec('COMMIT');
    holder.close();
    expect(logged.warnings).toEqual([
      expect.any(String),
      expect.stringMatching(/10 rows could not be written before shutdown/),
    ]);
    expect(w.rowsDropped).toBe(10);
    expect(w.rowsPending).toBe(0);
  });

  it('when the thread dies, writes what it had not written on the app thread, each row once', async () => {
    const w = writer();
    w.submit(spans(0, 1001));
    w.submit(spans(1001, 3999));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    // The thread is ended from outside, as a crash would end it, with batches still on their way.
    const thread = (w as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread.worker;
    for (let i = 50; i < 95; i++) w.submit(spans(i * 100, 100));
    await thread.terminate();
    await waitFor('the takeover', () => !w.writesInWorker);
    w.submit(spans(9500, 100));
    await w.whenIdle();
    expect(stored()).toEqual([...Array(9600).keys()]);
    expect(w.rowsWritten).toBe(9600);
    expect(w.rowsPending).toBe(0);
    expect(logged.warnings).toEqual([expect.stringMatching(/writer thread stopped; writing on the app's thread/)]);
  });

  it("writes on the app's thread when given afterOpen (a function cannot cross threads)", async () => {
    const opened: Database[] = [];
    const w = writer({ afterOpen: (db) => opened.push(db) });
    expect(w.writesInWorker).toBe(false);
    w.submit(spans(0, 10));
    await w.whenIdle();
    expect(opened).toHaveLength(1);
    expect(stored()).toHaveLength(10);
  });

  it('on the thread too: while the file is locked, the rows past the bound are dropped oldest first', async () => {
    const w = writer({ maxPendingRows: 20_000 });
    w.submit(spans(0, 1001));
    await w.whenIdle();
    expect(w.writesInWorker).toBe(true);
    const holder = new BetterSqlite3(file);
    holder.exec('BEGIN IMMEDIATE');
    w.submit(spans(1001, 100));
    await waitFor('the fault', () => w.currentFault === 'locked', 15_000);
    // Far more than the thread reads ahead of its writer while it can write (8,192 rows): the rows
    // still waiting in its port count against the bound too.
    for (let i = 1; i < 300; i++) w.submit(spans(1001 + i * 100, 100));
    await waitFor('the overflow', () => w.rowsDropped === 10_000, 15_000);
    expect(w.currentFault).toBe('locked');
    expect(w.rowsPending).toBe(20_000);
    holder.exec('COMMIT');
    holder.close();
    // Retries back off (250 ms doubling): on a loaded machine the next one may be seconds away.
    await waitFor('the retry', () => w.rowsPending === 0, 30_000);
    expect(stored()).toEqual([...[...Array(1001).keys()], ...Array.from({ length: 20_000 }, (_, i) => 11_001 + i)]);
  });

  it('keeps the rollup in step with a prune in the same transaction as spans', () => {
    const w = writer();
    // A span a second over 20 minutes, then a prune to the newest 300, then more spans: one
    // transaction (drainSync writes all at once).
    const secondApart = (batch: SpanBatch, from: number) => {
      // Starts are column 7 of a span row.
      for (let r = 0; r < batch.rows; r++) batch.values[r * 18 + 7] = 1_800_000_000_000_000 + (from + r) * 1_000_000;
      return batch;
    };
    w.submit(secondApart(spans(0, 1200), 0));
    w.submit({ kind: 'prune', rows: 0, policy: { maxRowsPerTable: 300 } });
    w.submit(secondApart(spans(1200, 10), 1200));
    w.drainSync();
    const [range] = queryRows<{ oldest: number; firstMinute: number; spans: number }>(
      dataDir,
      'performance_metrics',
      'SELECT (SELECT min(start_us) FROM spans) AS oldest, (SELECT min(minute_us) FROM span_rollup) AS firstMinute, (SELECT count(*) FROM spans) AS spans',
    );
    expect(range.spans).toBe(310);
    // No minute left from before the oldest span kept: the pruned spans' aggregates went with them.
    expect(range.firstMinute).toBe(range.oldest - (range.oldest % 60_000_000));
  });

  it('drops the oldest rows past maxPendingRows while the file is unwritable, and counts them', async () => {
    fs.writeFileSync(path.join(dataDir, 'blocker'), '');
    file = path.join(dataDir, 'blocker', 'performance_metrics.db');
    const w = writer({ maxPendingRows: 250 });
    for (let i = 0; i < 5; i++) w.submit(spans(i * 100, 100));
    await waitFor('the overflow', () => w.rowsDropped > 0);
    await w.whenIdle();
    expect(w.rowsDropped).toBe(300);
    expect(w.rowsPending).toBe(200);
  });
});
