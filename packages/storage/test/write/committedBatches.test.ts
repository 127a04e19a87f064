import type { PerformanceBatch } from '@transcriber/storage';
import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import { databasePath } from '@transcriber/storage/files';
import { committedBatches } from '../../src/write/committedBatches';
import { performanceWork } from '../../src/write/performanceWork';
import { preparePerformanceStatements } from '../../src/write/performanceStatements';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

/** Now-ish, in µs since the epoch: the prune batch keeps 30 days. */
const NOW_US = Date.now() * 1000;
const RESOURCE = JSON.stringify({ 'service.name': 'voice-agent', 'process.pid': 42 });

function span(n: number): PerformanceBatch {
  const id = n.toString(16);
  return {
    kind: 'spans',
    rows: 1,
    resources: [RESOURCE],
    strings: ['stt.transcribe', 'stt', 'transcribe', 'test'],
    values: [
      id.padStart(32, '0'),
      id.padStart(16, '0'),
      null,
      0,
      0,
      1,
      2,
      NOW_US + n,
      NOW_US + n + 1,
      0.001,
      0,
      null,
      null,
      null,
      null,
      null,
      3,
      0,
    ],
  };
}

function point(n: number): PerformanceBatch {
  const values = ['transcriber.operations', null, 'sum', 'stt', 'transcribe', NOW_US + n, NOW_US + n + 1, 7];
  return {
    kind: 'metrics',
    rows: 1,
    resource: RESOURCE,
    points: [...values, null, null, null, null, null, null, null, 'test'],
    snapshot: null,
  };
}

function snapshot(n: number): PerformanceBatch {
  return {
    kind: 'metrics',
    rows: 1,
    resource: RESOURCE,
    points: [],
    snapshot: [NOW_US + n, 42, 0.5, 1, 1, 1, 1, 1, 1, 1, 0.1, 1, 2],
  };
}

const prune: PerformanceBatch = { kind: 'prune', rows: 0, policy: { maxAgeDays: 30 } };

describe('committedBatches', () => {
  it('counts the batches, in order, whose first row is in the file: spans, points, snapshots, prunes between', () => {
    const file = databasePath(makeTempDir(), 'performance_metrics');
    const batches = [span(1), prune, point(2), snapshot(3), span(4), point(5)];
    const db = openDatabaseForWriting(file, migrationsFor('performance_metrics'));
    const statements = preparePerformanceStatements(db);
    // What a thread that stopped after its commit had written: the first four batches.
    db.transaction(() => batches.slice(0, 4).forEach((b) => performanceWork(b).apply(statements, db)))();
    db.close();
    expect(committedBatches(file, batches)).toBe(4);
    expect(committedBatches(file, batches.slice(4))).toBe(0);
    expect(committedBatches(file, [prune, span(1)])).toBe(2);
  });

  it('says none when the file cannot be read, so that everything is written again', () => {
    expect(committedBatches(databasePath(makeTempDir(), 'performance_metrics'), [span(1)])).toBe(0);
  });
});
