import { pruneDatabase } from '../retention';
import { PERFORMANCE_METRICS_MIGRATIONS } from '../schema/performanceMetricsSchema';
import { DatabaseWriter, type DatabaseWriterOptions, type WriterSchema } from './databaseWriter';
import {
  METRIC_POINT_VALUES,
  SPAN_ROW,
  SPAN_ROW_VALUES,
  SPAN_STRING_COLUMNS,
  type MetricBatch,
  type PerformanceBatch,
  type SpanBatch,
} from './performanceBatch';
import { preparePerformanceStatements, type PerformanceStatements } from './performanceStatements';
import type { WriteWork } from './writeQueue';

/** `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

/** `performance_metrics.db`: its schema, statements, per-transaction rollup and rollback handling. */
const PERFORMANCE_SCHEMA: WriterSchema<PerformanceStatements> = {
  migrations: PERFORMANCE_METRICS_MIGRATIONS,
  prepare: preparePerformanceStatements,
  beforeCommit: writeRollup,
  rolledBack: (statements) => {
    statements.resources.forget();
    statements.rollup.clear();
  },
};

/** The DatabaseWriter of `performance_metrics.db`, on whichever thread it runs, with that thread's options. */
export function performanceDatabaseWriter(
  options: Omit<DatabaseWriterOptions<PerformanceStatements>, 'schema'>,
): DatabaseWriter<PerformanceStatements> {
  return new DatabaseWriter({ ...options, schema: PERFORMANCE_SCHEMA });
}

/** A batch as the writer's unit of work: its rows inserted in the writer's transaction. */
export function performanceWork(batch: PerformanceBatch): WriteWork<PerformanceStatements> {
  switch (batch.kind) {
    case 'spans':
      return { rows: batch.rows, apply: (statements) => insertSpans(statements, batch) };
    case 'metrics':
      return { rows: batch.rows, apply: (statements) => insertMetrics(statements, batch) };
    case 'prune':
      // A failure (e.g. another process's lock) is a storage fault like any other: reported once
      // by the writer, and the prune is retried with the rows queued behind it.
      // The rollup of spans already in the transaction goes first: the prune trims it with them.
      return {
        rows: 0,
        apply: (statements, db) => {
          writeRollup(statements);
          pruneDatabase(db, 'performance_metrics', batch.policy);
        },
      };
  }
}

/** Inserts the spans and adds them to the transaction's rollup (written by writeRollup). */
function insertSpans(statements: PerformanceStatements, batch: SpanBatch): void {
  const ids = batch.resources.map((json) => statements.resources.idOf(json));
  const strings = batch.strings;
  const values = batch.values;
  const row = new Array<unknown>(SPAN_ROW_VALUES);
  const rollup = statements.rollup;
  for (let at = 0; at < values.length; at += SPAN_ROW_VALUES) {
    for (let i = 0; i < SPAN_ROW_VALUES; i++) row[i] = values[at + i];
    for (const column of SPAN_STRING_COLUMNS) {
      const index = row[column] as number;
      row[column] = index === -1 ? null : strings[index];
    }
    row[SPAN_ROW.resource] = ids[row[SPAN_ROW.resource] as number];
    // A span sent again (a retried export) is not stored again, nor counted again in the rollup.
    if (statements.insertSpan.run(row).changes === 0) continue;
    const component = row[SPAN_ROW.component];
    if (typeof component === 'string') {
      const failed = row[SPAN_ROW.statusCode] === STATUS_ERROR;
      const resourceId = row[SPAN_ROW.resource] as number | null;
      rollup.add(component, resourceId, row[SPAN_ROW.startUs] as number, row[SPAN_ROW.durationMs] as number, failed);
    }
  }
}

/** Adds the transaction's spans to the per-minute `span_rollup`, once per aggregate. */
function writeRollup(statements: PerformanceStatements): void {
  statements.rollup.writeTo(statements.upsertSpanRollup);
}

function insertMetrics(statements: PerformanceStatements, batch: MetricBatch): void {
  const resourceId = statements.resources.idOf(batch.resource);
  const points = batch.points;
  const row = new Array<unknown>(METRIC_POINT_VALUES + 1);
  row[METRIC_POINT_VALUES] = resourceId;
  for (let at = 0; at < points.length; at += METRIC_POINT_VALUES) {
    for (let i = 0; i < METRIC_POINT_VALUES; i++) row[i] = points[at + i];
    statements.insertMetricPoint.run(row);
  }
  if (batch.snapshot !== null) statements.insertResourceSnapshot.run([...batch.snapshot, resourceId]);
}
