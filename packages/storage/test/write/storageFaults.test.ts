// The storage faults of issue 2, end to end through the real SDK and exporters: an unwritable
// data dir, a corrupt file, a full disk, a database locked by another process, and several
// processes writing one data dir. Each fault gives exactly one warning through the OTel diagnostic
// logger, never throws into the app or changes its results, and keeps the data to write it once
// the fault is gone (where it can go away).
import { logs } from '@opentelemetry/api-logs';
import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { BENCHMARK_ATTR, ComponentType, EVENT_BENCHMARK_RESULT, timeOperation } from '@transcriber/instrumentation';
import { SqliteStorage } from '@transcriber/storage';
import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { childExit, childSays, lastJsonLine, runChild, startChild } from '../../../../test/helpers/children';
import { captureDiag, type CapturedDiag } from '../../../../test/helpers/diag';
import { startLogs, startTracing, type TracingPipeline } from '../../../../test/helpers/sqliteTelemetry';
import { countRows, queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { sleep, waitFor } from '../../../../test/helpers/wait';

const CHILDREN = path.join(__dirname, '..', 'children');

afterAll(removeTempDirs);

/** Runs `count` operations the way an app would; returns whether every result came back unchanged. */
function runOperations(count: number, from = 0): boolean {
  let intact = true;
  for (let i = from; i < from + count; i++) {
    const result = timeOperation(ComponentType.STT, 'transcribe', (op) => {
      op.span.setAttribute('test.index', i);
      return i * 3;
    });
    if (result !== i * 3) intact = false;
  }
  return intact;
}

const spanCount = (dataDir: string) => countRows(dataDir, 'performance_metrics', 'spans');
const distinctIndexes = (dataDir: string) =>
  queryRows<{ n: number }>(
    dataDir,
    'performance_metrics',
    'SELECT count(DISTINCT json_extract(attributes, \'$."test.index"\')) AS n FROM spans',
  )[0].n;

/** The performance writer of a data dir (acquired and released at once: the exporters hold it). */
/**
 * Database files set aside as corrupt (their -wal and -shm go with them when they exist: a reader,
 * such as this test's polling, may hold the damaged file open while the writer thread moves it).
 */
function setAside(dataDir: string, name: string): string[] {
  const pattern = new RegExp(`^${name}\\.db\\.corrupt-[0-9TZ-]+Z$`);
  return fs.readdirSync(dataDir).filter((f) => pattern.test(f));
}

function writerOf(dataDir: string) {
  const storage = SqliteStorage.acquire(dataDir);
  const writer = storage.performanceWriter();
  storage.release();
  return writer;
}

describe('storage faults', () => {
  let logged: CapturedDiag;
  let tracing: TracingPipeline | undefined;

  beforeEach(() => {
    logged = captureDiag();
  });
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    logged.restore();
  });

  describe('unwritable data dir', () => {
    it('a regular file in the path: one warning, rows kept and written once the path is usable', async () => {
      const root = makeTempDir();
      const blocker = path.join(root, 'blocker');
      fs.writeFileSync(blocker, 'a regular file where a directory should be');
      const dataDir = path.join(blocker, 'data');
      tracing = startTracing({ dataDir });

      expect(runOperations(200)).toBe(true);
      await tracing.flush(); // resolves while faulted: nothing is waiting but the retry
      await waitFor('the fault', () => logged.warnings.length > 0);
      expect(logged.warnings).toEqual([
        // (Jest's sandbox prefixes `Error: ` to messages of Node's own errors.)
        expect.stringMatching(
          /^transcriber: cannot write .*blocker\/data\/performance_metrics\.db \((Error: )?ENOTDIR.*check the data directory/,
        ),
      ]);
      expect(writerOf(dataDir).rowsPending).toBe(200);
      expect(runOperations(100, 200)).toBe(true); // the app carries on; no second warning

      fs.rmSync(blocker);
      await waitFor('the retry', () => spanCount(dataDir) === 300, 15_000);
      expect(distinctIndexes(dataDir)).toBe(300);
      expect(fs.statSync(blocker).mode & 0o777).toBe(0o700);
      expect(logged.warnings).toHaveLength(1);
      expect(logged.errors).toEqual([]);
    });

    it('the data dir path is itself a file: one warning, nothing thrown', async () => {
      const dataDir = path.join(makeTempDir(), 'data');
      fs.writeFileSync(dataDir, '');
      tracing = startTracing({ dataDir });
      expect(runOperations(50)).toBe(true);
      await waitFor('the fault', () => logged.warnings.length > 0);
      await sleep(600); // two retries
      expect(logged.warnings).toEqual([expect.stringMatching(/^transcriber: cannot write .*\((Error: )?EEXIST/)]);
      fs.rmSync(dataDir);
      await waitFor('the retry', () => spanCount(dataDir) === 50, 15_000);
      expect(logged.warnings).toHaveLength(1);
    });

    it('no permission (a process running as nobody): one warning, rows written once permitted', async () => {
      const root = makeTempDir(); // root-owned, mode 0700: nobody cannot create anything in it
      const dataDir = path.join(root, 'data');
      const child = startChild(path.join(CHILDREN, 'unwritableAsNobody.ts'), [dataDir, '300']);
      const exit = childExit(child);
      await childSays(child, 'fault');
      expect(fs.existsSync(dataDir)).toBe(false);
      fs.chmodSync(root, 0o777);
      child.stdin!.end('go\n');
      const result = await exit;
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const report = lastJsonLine<Record<string, unknown>>(result);
      expect(report).toMatchObject({
        uid: 65534,
        fault: 'unwritable',
        appResultsIntact: true,
        written: 300,
        dropped: 0,
      });
      expect(report.warnings).toEqual([expect.stringMatching(/cannot write .*performance_metrics\.db \(EACCES/)]);
      expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(300);
      const file = path.join(dataDir, 'performance_metrics.db');
      expect(fs.statSync(file)).toMatchObject({ uid: 65534 });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    });
  });

  describe('corrupt database file', () => {
    it('garbage bytes: one warning, the file is set aside and a new database receives the rows', async () => {
      const dataDir = makeTempDir();
      const file = path.join(dataDir, 'performance_metrics.db');
      const garbage = Buffer.alloc(16_384, 'definitely not SQLite ');
      fs.writeFileSync(file, garbage);
      tracing = startTracing({ dataDir });
      expect(runOperations(100)).toBe(true);
      await waitFor('the rows', () => spanCount(dataDir) === 100, 15_000);

      expect(logged.warnings).toEqual([
        expect.stringMatching(/performance_metrics\.db is not a valid SQLite database .*moved aside/),
      ]);
      const aside = setAside(dataDir, 'performance_metrics');
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dataDir, aside[0]))).toEqual(garbage);
      expect(distinctIndexes(dataDir)).toBe(100);
    });

    it('a damaged schema page behind a valid header is set aside too', async () => {
      const dataDir = makeTempDir();
      const file = path.join(dataDir, 'performance_metrics.db');
      openDatabaseForWriting(file, migrationsFor('performance_metrics')).close();
      const bytes = fs.readFileSync(file);
      bytes.fill(0xa5, 100, 4096); // page 1 after the 100-byte header: the schema table
      fs.writeFileSync(file, bytes);
      tracing = startTracing({ dataDir });
      expect(runOperations(20)).toBe(true);
      await waitFor('the rows', () => spanCount(dataDir) === 20, 15_000);
      expect(logged.warnings).toEqual([expect.stringMatching(/is not a valid SQLite database/)]);
      expect(setAside(dataDir, 'performance_metrics')).toHaveLength(1);
    });

    it('an event database: same treatment', async () => {
      const dataDir = makeTempDir();
      const file = path.join(dataDir, 'benchmark_results.db');
      fs.writeFileSync(file, Buffer.alloc(4096, 0xff));
      const events = startLogs({ dataDir });
      try {
        logs.getLogger('b').emit({ eventName: EVENT_BENCHMARK_RESULT, attributes: { [BENCHMARK_ATTR.NAME]: 'after' } });
        await waitFor('the row', () => countRows(dataDir, 'benchmark_results', 'benchmark_results') === 1);
      } finally {
        await events.shutdown();
      }
      expect(logged.warnings).toEqual([expect.stringMatching(/benchmark_results\.db is not a valid SQLite database/)]);
      expect(setAside(dataDir, 'benchmark_results')).toHaveLength(1);
    });

    it('a database from a newer version is not mistaken for a corrupt one: warned once, left alone', async () => {
      const dataDir = makeTempDir();
      const file = path.join(dataDir, 'performance_metrics.db');
      const db = new BetterSqlite3(file);
      db.pragma('user_version = 99');
      db.close();
      tracing = startTracing({ dataDir });
      expect(runOperations(10)).toBe(true);
      await waitFor('the fault', () => logged.warnings.length > 0);
      await sleep(800); // retries
      expect(logged.warnings).toEqual([expect.stringMatching(/schema version 99 is newer than this software/)]);
      expect(fs.readdirSync(dataDir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
      expect(writerOf(dataDir).rowsPending).toBe(10);
    });
  });

  it('full disk (max_page_count on the writer connection): one warning, rows written once space is freed', async () => {
    const dataDir = makeTempDir();
    let connection: Database | undefined;
    tracing = startTracing(
      {
        dataDir,
        afterOpen(db, name) {
          if (name !== 'performance_metrics') return;
          connection = db;
          // No room to grow: the file holds its schema and not much more.
          db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 2}`);
        },
      },
      { batch: true },
    );
    expect(runOperations(3000)).toBe(true);
    await tracing.flush();
    await waitFor('the fault', () => logged.warnings.length > 0);
    const writer = writerOf(dataDir);
    expect(writer.currentFault).toBe('full');
    expect(logged.warnings).toEqual([expect.stringMatching(/no space left for .*performance_metrics\.db .*full/)]);
    const before = spanCount(dataDir);
    expect(before).toBeLessThan(3000);
    expect(writer.rowsPending).toBe(3000 - before);
    expect(runOperations(500, 3000)).toBe(true);
    await tracing.flush();

    connection!.pragma('max_page_count = 1073741823'); // space freed
    await waitFor('the retry', () => spanCount(dataDir) === 3500, 15_000);
    // Chunks that failed half-way were rolled back and written once.
    expect(distinctIndexes(dataDir)).toBe(3500);
    expect(logged.warnings).toHaveLength(1);
    expect(writer.rowsDropped).toBe(0);
  });

  it('locked by another process: one warning, no row lost, the event loop never blocked long', async () => {
    const dataDir = makeTempDir();
    tracing = startTracing({ dataDir });
    expect(runOperations(10)).toBe(true);
    await tracing.flush(); // the database exists (WAL)

    // A control process measures the event-loop delay any process suffers on this machine meanwhile.
    const control = startChild(path.join(CHILDREN, 'loopDelay.ts'), ['3000']);
    const controlExit = childExit(control);
    await childSays(control, 'measuring');
    // Held until the checks below have seen that nothing got through, however slow the machine.
    const locker = startChild(path.join(CHILDREN, 'holdLock.ts'), [
      path.join(dataDir, 'performance_metrics.db'),
      'stdin',
    ]);
    const lockerExit = childExit(locker);
    await childSays(locker, 'locked');

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let longestTickGap = 0;
    let lastTick = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestTickGap = Math.max(longestTickGap, now - lastTick);
      lastTick = now;
    }, 5);
    let intact = true;
    for (let round = 0; round < 10; round++) {
      intact &&= runOperations(50, 10 + round * 50);
      await sleep(100);
    }
    expect(intact).toBe(true);
    await waitFor('the fault', () => logged.warnings.length > 0);
    expect(spanCount(dataDir)).toBe(10); // nothing got through the lock

    locker.stdin!.end('release\n');
    expect(await lockerExit).toMatchObject({ code: 0 });
    await waitFor('the retry', () => spanCount(dataDir) === 510, 15_000);
    clearInterval(ticker);
    delay.disable();

    expect(distinctIndexes(dataDir)).toBe(510);
    expect(logged.warnings).toEqual([expect.stringMatching(/performance_metrics\.db is locked by another process/)]);
    // Each retry waits at most the 100 ms busy timeout; nothing waits for the whole lock (over 1 s).
    // (Beyond what the machine's load alone did to an idle process over the same time.)
    const machineDelayMs = lastJsonLine<{ maxMs: number }>(await controlExit).maxMs;
    expect(delay.max / 1e6).toBeLessThan(250 + machineDelayMs);
    expect(longestTickGap).toBeLessThan(250 + machineDelayMs);
  });

  it('several processes writing one data dir at once lose nothing (3 × 5,000 spans)', async () => {
    const dataDir = path.join(makeTempDir(), 'shared');
    const startAt = String(Date.now() + 3_000);
    const results = await Promise.all(
      [0, 1, 2].map(() => runChild(path.join(CHILDREN, 'writeSpans.ts'), [dataDir, '5000', startAt])),
    );
    const reports = results.map((result) => {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      return lastJsonLine<{ pid: number; written: number; dropped: number; warnings: string[] }>(result);
    });
    for (const report of reports) expect(report).toMatchObject({ written: 5000, dropped: 0 });
    expect(spanCount(dataDir)).toBe(15_000);
    const perProcess = queryRows<{ service: string; n: number; distinct_indexes: number }>(
      dataDir,
      'performance_metrics',
      `SELECT r.service_name AS service, count(*) AS n,
              count(DISTINCT json_extract(s.attributes, '$."test.index"')) AS distinct_indexes
         FROM spans s JOIN resources r ON r.id = s.resource_id GROUP BY r.id ORDER BY r.service_name`,
    );
    expect(perProcess).toEqual(
      reports
        .map((r) => ({ service: `writer-${r.pid}`, n: 5000, distinct_indexes: 5000 }))
        .sort((a, b) => a.service.localeCompare(b.service)),
    );
  });
});
