import type { Migration } from '../database/migration';

/**
 * `performance_metrics.db`: spans, metric points and resource snapshots. Times are integer
 * microseconds since the Unix epoch (exact in a JS number until the year 2255); durations are
 * milliseconds, the unit people read. Column meanings are documented in docs/database-schema.md.
 */
export const PERFORMANCE_METRICS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'resources, spans, metric points, resource snapshots',
    sql: `
      CREATE TABLE resources (
        id INTEGER PRIMARY KEY,
        service_name TEXT,
        attributes TEXT NOT NULL UNIQUE
      );
      CREATE TABLE spans (
        id INTEGER PRIMARY KEY,
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        kind INTEGER NOT NULL,
        component TEXT,
        operation TEXT,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        status_code INTEGER NOT NULL,
        status_message TEXT,
        error_type TEXT,
        attributes TEXT,
        events TEXT,
        links TEXT,
        scope TEXT,
        resource_id INTEGER REFERENCES resources(id)
      );
      CREATE INDEX spans_component_start ON spans (component, start_us, duration_ms);
      CREATE INDEX spans_start ON spans (start_us);
      CREATE INDEX spans_trace ON spans (trace_id);
      CREATE INDEX spans_duration ON spans (duration_ms);
      CREATE TABLE metric_points (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        unit TEXT,
        kind TEXT NOT NULL,
        component TEXT,
        operation TEXT,
        start_us INTEGER NOT NULL,
        time_us INTEGER NOT NULL,
        value REAL,
        count INTEGER,
        sum REAL,
        min REAL,
        max REAL,
        bucket_bounds TEXT,
        bucket_counts TEXT,
        attributes TEXT,
        scope TEXT,
        resource_id INTEGER REFERENCES resources(id)
      );
      CREATE INDEX metric_points_name_time ON metric_points (name, time_us);
      CREATE INDEX metric_points_component_time ON metric_points (component, time_us);
      CREATE TABLE resource_snapshots (
        id INTEGER PRIMARY KEY,
        time_us INTEGER NOT NULL,
        pid INTEGER,
        cpu_utilization REAL,
        rss_bytes INTEGER,
        heap_used_bytes INTEGER,
        heap_total_bytes INTEGER,
        external_bytes INTEGER,
        event_loop_delay_p50_ms REAL,
        event_loop_delay_p99_ms REAL,
        event_loop_delay_max_ms REAL,
        system_cpu_utilization REAL,
        system_memory_used_bytes INTEGER,
        system_memory_total_bytes INTEGER,
        resource_id INTEGER REFERENCES resources(id)
      );
      CREATE INDEX resource_snapshots_time ON resource_snapshots (time_us);
    `,
  },
  {
    version: 2,
    description: 'per-minute span rollup with log-scale latency buckets (backfilled from spans); index of failed spans',
    // One row per (minute, component, latency bucket): counts and extremes of the spans that started
    // in that minute. summarizeComponents reads it instead of every span of a large window. Bucket:
    // floor(log2(max(duration_ms, 0.001)) * 16), as latencyBucketOf in rollup/latencyBuckets.ts.
    sql: `
      CREATE TABLE span_rollup (
        minute_us INTEGER NOT NULL,
        component TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        count INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        sum_ms REAL NOT NULL,
        min_ms REAL NOT NULL,
        max_ms REAL NOT NULL,
        PRIMARY KEY (minute_us, component, bucket)
      ) WITHOUT ROWID;
      INSERT INTO span_rollup (minute_us, component, bucket, count, errors, sum_ms, min_ms, max_ms)
        SELECT start_us - start_us % 60000000, component,
               CAST(floor(log2(max(duration_ms, 0.001)) * 16) AS INTEGER) AS bucket,
               count(*), sum(status_code = 2), sum(duration_ms), min(duration_ms), max(duration_ms)
          FROM spans WHERE component IS NOT NULL
         GROUP BY 1, 2, 3;
      -- Failed operations only (a few percent of the rows): \`traces --errors\` reads them directly.
      CREATE INDEX spans_errors ON spans (start_us) WHERE status_code = 2;
    `,
  },
  {
    version: 3,
    description: 'drop the index of span durations (slowest listings read the rollup instead)',
    // A B-tree on a random key: every insert dirtied a random page of it, which held SQLite's span
    // insert rate to a fraction of what it is without. recentOperations finds the slowest spans
    // from span_rollup's per-(minute, component) maxima and reads only those slices through
    // spans_component_start (see query/slowestSpanIds.ts).
    sql: `DROP INDEX spans_duration;`,
  },
  {
    version: 4,
    description: 'drop the index of span start times (time ranges are read per component)',
    // spans_component_start (component, start_us, duration_ms) answers every time-range question
    // once the components are known, and those are found by walking that index (one seek each,
    // query/spanComponents.ts). spans_start cost ~9% of the writer's per-row insert time (4.8 µs
    // without it against 5.3 µs, raw better-sqlite3 at 1024 rows a transaction) and 19 of the
    // ~284 bytes a span takes on disk.
    sql: `DROP INDEX spans_start;`,
  },
  {
    version: 5,
    description: 'span rollup per resource (service filters read it), rebuilt from spans',
    // Views filter by service (resources.service_name, a process each) and leave benchmark runs out
    // by default (query/serviceScope.ts): the rollup that large windows read must tell resources
    // apart. Key (minute, component, resource, bucket); spans without a resource count as resource 0
    // (ids start at 1). Rebuilt from the spans, as version 2 built it.
    sql: `
      CREATE TABLE span_rollup_by_resource (
        minute_us INTEGER NOT NULL,
        component TEXT NOT NULL,
        resource_id INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        count INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        sum_ms REAL NOT NULL,
        min_ms REAL NOT NULL,
        max_ms REAL NOT NULL,
        PRIMARY KEY (minute_us, component, resource_id, bucket)
      ) WITHOUT ROWID;
      INSERT INTO span_rollup_by_resource
             (minute_us, component, resource_id, bucket, count, errors, sum_ms, min_ms, max_ms)
        SELECT start_us - start_us % 60000000, component, coalesce(resource_id, 0),
               CAST(floor(log2(max(duration_ms, 0.001)) * 16) AS INTEGER) AS bucket,
               count(*), sum(status_code = 2), sum(duration_ms), min(duration_ms), max(duration_ms)
          FROM spans WHERE component IS NOT NULL
         GROUP BY 1, 2, 3, 4;
      DROP TABLE span_rollup;
      ALTER TABLE span_rollup_by_resource RENAME TO span_rollup;
      `,
  },
  {
    version: 6,
    description: 'one row per span (trace id, span id) and per metric point; duplicates already stored removed',
    // A retrying exporter re-sends a batch it got no answer for (the write made it, the answer did
    // not), and every span was stored again: `traces show` counted 14 spans and drew 7. The unique
    // indexes keep their names and leading columns, so the queries that name them (by trace id; by
    // metric name and time) read them as before; spans_trace gains the span id, which made no
    // measurable difference to the insert rate (docs/performance.md). A metric point's identity is
    // its stream (name, kind, resource, scope, attributes) and its time window. Duplicates already
    // stored lose every row but the first, and leave the rollup with them.
    sql: `
      CREATE TEMP TABLE duplicate_spans AS
        SELECT id, component, start_us, duration_ms, status_code, resource_id FROM spans
         WHERE id NOT IN (SELECT min(id) FROM spans GROUP BY trace_id, span_id);
      UPDATE span_rollup
         SET count = span_rollup.count - d.count, errors = span_rollup.errors - d.errors,
             sum_ms = span_rollup.sum_ms - d.sum_ms
        FROM (SELECT start_us - start_us % 60000000 AS minute_us, component, coalesce(resource_id, 0) AS resource_id,
                     CAST(floor(log2(max(duration_ms, 0.001)) * 16) AS INTEGER) AS bucket,
                     count(*) AS count, sum(status_code = 2) AS errors, sum(duration_ms) AS sum_ms
                FROM duplicate_spans WHERE component IS NOT NULL GROUP BY 1, 2, 3, 4) AS d
       WHERE span_rollup.minute_us = d.minute_us AND span_rollup.component = d.component
         AND span_rollup.resource_id = d.resource_id AND span_rollup.bucket = d.bucket;
      DELETE FROM span_rollup WHERE count <= 0;
      DELETE FROM spans WHERE id IN (SELECT id FROM duplicate_spans);
      DROP TABLE duplicate_spans;
      DROP INDEX spans_trace;
      CREATE UNIQUE INDEX spans_trace ON spans (trace_id, span_id);
      DELETE FROM metric_points WHERE id NOT IN (
        SELECT min(id) FROM metric_points
         GROUP BY name, time_us, start_us, kind, ifnull(resource_id, 0), ifnull(scope, ''), ifnull(attributes, ''));
      DROP INDEX metric_points_name_time;
      CREATE UNIQUE INDEX metric_points_name_time ON metric_points
        (name, time_us, start_us, kind, ifnull(resource_id, 0), ifnull(scope, ''), ifnull(attributes, ''));
    `,
  },
  {
    version: 7,
    description: 'the index of failed spans covers what error listings read (component, error type, resource)',
    // errorBreakdown (optimize's error-rate evidence) and `traces --errors` read every failed span
    // of a window: through the time-only index, a table row each (0.1 s for the 20,000 failures of
    // the CLI benchmark's hour). With the columns they read in the index they read the index alone.
    // Failed spans only: the index stays a few percent of the spans, and ordinary inserts pay nothing.
    sql: `
      DROP INDEX spans_errors;
      CREATE INDEX spans_errors ON spans (start_us, component, error_type, resource_id) WHERE status_code = 2;
    `,
  },
];
