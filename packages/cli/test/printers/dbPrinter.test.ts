import type { DatabaseStats } from '@transcriber/queries';
import { clock } from '../../src/output/format';
import { makeStyle } from '../../src/output/style';
import { dbInfoRows, printDbInfo, printPrune, printVacuum, pruneRows, vacuumRows } from '../../src/printers/dbPrinter';
import type { DbInfo, DbPruneResult, DbVacuumResult } from '../../src/results/db';
import { T0_US } from '../fixtures/results';

const plain = makeStyle(false);
const DATA_DIR = '/home/user/.transcriber';
const MIB = 1024 * 1024;

function database(fields: Partial<DatabaseStats> & Pick<DatabaseStats, 'name'>): DatabaseStats {
  return {
    file: `${DATA_DIR}/${fields.name}.db`,
    exists: true,
    bytes: 0,
    walBytes: 0,
    schemaVersion: 1,
    tables: [],
    ...fields,
  };
}

const info: DbInfo = {
  dataDir: DATA_DIR,
  databases: [
    database({
      name: 'performance_metrics',
      bytes: 5.2 * MIB,
      walBytes: MIB,
      schemaVersion: 6,
      tables: [
        { table: 'spans', rows: 12_345, oldestUs: T0_US - 3_600_000_000, newestUs: T0_US },
        { table: 'resource_snapshots', rows: 0, oldestUs: null, newestUs: null },
      ],
    }),
    database({ name: 'profile_results', exists: false, schemaVersion: null }),
    database({ name: 'optimization_logs', bytes: 12 * 1024, schemaVersion: 2 }),
  ],
};

describe('printDbInfo', () => {
  it('shows each database with its size, log, schema and tables; "-" for a table without times', () => {
    const [oldest, newest] = [clock(T0_US - 3_600_000_000), clock(T0_US)];
    expect(printDbInfo(info, plain)).toBe(
      [
        `data directory ${DATA_DIR}`,
        '',
        'performance_metrics  5.2 MiB (1.0 MiB in the write-ahead log)  schema v6',
        '  table                 rows  oldest                   newest',
        `  spans               12,345  ${oldest}  ${newest}`,
        '  resource_snapshots       0  -                        -',
        '',
        'profile_results  not created yet',
        '',
        'optimization_logs  12.0 KiB  schema v2',
        '  table  rows  oldest  newest',
      ].join('\n'),
    );
  });
});

describe('dbInfoRows', () => {
  it('gives one CSV row per table of the databases that exist', () => {
    expect(dbInfoRows(info)).toEqual([
      {
        database: 'performance_metrics',
        bytes: 5.2 * MIB,
        table: 'spans',
        rows: 12_345,
        oldest_us: T0_US - 3_600_000_000,
        newest_us: T0_US,
      },
      {
        database: 'performance_metrics',
        bytes: 5.2 * MIB,
        table: 'resource_snapshots',
        rows: 0,
        oldest_us: null,
        newest_us: null,
      },
    ]);
  });
});

const pruned: DbPruneResult = {
  dataDir: DATA_DIR,
  policy: { maxAgeDays: 30, maxRowsPerTable: 10_000 },
  databases: [
    {
      name: 'performance_metrics',
      file: `${DATA_DIR}/performance_metrics.db`,
      bytesBefore: 5.2 * MIB,
      bytesAfter: 5.2 * MIB,
      tables: [
        { table: 'spans', deleted: 1200 },
        { table: 'resource_snapshots', deleted: 0 },
      ],
    },
    {
      name: 'optimization_logs',
      file: `${DATA_DIR}/optimization_logs.db`,
      bytesBefore: 40_960,
      bytesAfter: 40_960,
      tables: [{ table: 'optimization_actions', deleted: 3 }],
    },
  ],
};

describe('printPrune', () => {
  it('states the rules, lists what each table lost and the total', () => {
    expect(printPrune(pruned, plain)).toBe(
      [
        'Deleted rows older than 30 days or beyond the newest 10,000 rows:',
        'database             table                 deleted',
        'performance_metrics  spans                   1,200',
        'performance_metrics  resource_snapshots          0',
        'optimization_logs    optimization_actions        3',
        '',
        '1,203 rows deleted; run `transcriber db vacuum` to give their space back to the disk.',
      ].join('\n'),
    );
  });

  it('states the one rule given', () => {
    const byRows = printPrune({ ...pruned, policy: { maxRowsPerTable: 10_000 } }, plain);
    expect(byRows.split('\n')[0]).toBe('Deleted rows beyond the newest 10,000 rows:');
  });

  it('gives one CSV row per table', () => {
    expect(pruneRows(pruned)).toEqual([
      { database: 'performance_metrics', table: 'spans', deleted: 1200 },
      { database: 'performance_metrics', table: 'resource_snapshots', deleted: 0 },
      { database: 'optimization_logs', table: 'optimization_actions', deleted: 3 },
    ]);
  });
});

const vacuumed: DbVacuumResult = {
  dataDir: DATA_DIR,
  databases: [
    { name: 'performance_metrics', file: '', bytesBefore: 5.2 * MIB, bytesAfter: 3 * MIB },
    // A file can grow: the write-ahead log is checkpointed into it.
    { name: 'optimization_logs', file: '', bytesBefore: 40 * 1024, bytesAfter: 44 * 1024 },
  ],
};

describe('printVacuum', () => {
  it('shows sizes before and after and what was freed, in binary units, negative when it grew', () => {
    expect(printVacuum(vacuumed, plain)).toBe(
      [
        'database               before     after     freed',
        'performance_metrics   5.2 MiB   3.0 MiB   2.2 MiB',
        'optimization_logs    40.0 KiB  44.0 KiB  -4.0 KiB',
      ].join('\n'),
    );
  });

  it('gives one CSV row per database with the raw byte counts', () => {
    expect(vacuumRows(vacuumed)).toEqual([
      { database: 'performance_metrics', bytes_before: 5.2 * MIB, bytes_after: 3 * MIB },
      { database: 'optimization_logs', bytes_before: 40 * 1024, bytes_after: 44 * 1024 },
    ]);
  });
});
