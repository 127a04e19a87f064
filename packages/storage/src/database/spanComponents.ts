import type { Database } from 'better-sqlite3';

/**
 * Spans are indexed by time only after their component: spans_component_start (component,
 * start_us, duration_ms). A question about a time range across components is asked once per
 * component, each an index range; these find the components by walking that index, one seek per
 * distinct component (a handful) whatever the table's size or the window's length.
 */

/**
 * The distinct components of the stored spans, in index (binary) order; `null` first when
 * spans without a component exist and `withNull` is set.
 */
export function spanComponents(db: Database, options: { withNull?: boolean } = {}): (string | null)[] {
  const components: (string | null)[] = [];
  if (options.withNull === true) {
    const hasNull = db
      .prepare('SELECT 1 FROM spans INDEXED BY spans_component_start WHERE component IS NULL LIMIT 1')
      .get();
    if (hasNull !== undefined) components.push(null);
  }
  let component = db
    .prepare(
      `SELECT component FROM spans INDEXED BY spans_component_start
        WHERE component IS NOT NULL ORDER BY component LIMIT 1`,
    )
    .pluck()
    .get() as string | undefined;
  const after = db
    .prepare(
      `SELECT component FROM spans INDEXED BY spans_component_start
        WHERE component > ? ORDER BY component LIMIT 1`,
    )
    .pluck();
  while (component !== undefined) {
    components.push(component);
    component = after.get(component) as string | undefined;
  }
  return components;
}

/** The component asked for, else every component of the stored spans (binary order, as ORDER BY). */
export function componentsToQuery(db: Database, component: string | null | undefined): string[] {
  return component !== null && component !== undefined ? [component] : (spanComponents(db) as string[]);
}

/** Start of the oldest and of the newest span (µs), null when there are none. */
export function spanStartRange(db: Database): { oldestUs: number | null; newestUs: number | null } {
  // One aggregate per statement: SQLite answers a lone min() or max() with an equality-constrained
  // index prefix by a single seek, both together by reading the whole range.
  const oldest = db
    .prepare('SELECT min(start_us) FROM spans INDEXED BY spans_component_start WHERE component IS ?')
    .pluck();
  const newest = db
    .prepare('SELECT max(start_us) FROM spans INDEXED BY spans_component_start WHERE component IS ?')
    .pluck();
  let oldestUs: number | null = null;
  let newestUs: number | null = null;
  for (const component of spanComponents(db, { withNull: true })) {
    const first = oldest.get(component) as number;
    const last = newest.get(component) as number;
    if (oldestUs === null || first < oldestUs) oldestUs = first;
    if (newestUs === null || last > newestUs) newestUs = last;
  }
  return { oldestUs, newestUs };
}
