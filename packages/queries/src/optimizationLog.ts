import type { Database } from 'better-sqlite3';
import type { TimeWindow } from './types';

/** One row of the optimization log: an optimization carried out, or a recommendation. */
export interface OptimizationLogEntry {
  type: 'action' | 'recommendation';
  timeUs: number;
  component: string | null;
  kind: string | null;
  description: string | null;
  improvement: string | null;
  /** `measured`, `derived` or `heuristic`. */
  improvementBasis: string | null;
  /** Actions only. */
  success: boolean | null;
  /** Recommendations only. */
  recommendationId: string | null;
  priority: string | null;
  before: unknown;
  after: unknown;
  evidence: unknown;
}

export interface OptimizationLogFilter extends TimeWindow {
  component?: string;
  /** Only optimizations carried out, or only recommendations. Default: both. */
  type?: 'action' | 'recommendation';
  limit?: number;
}

interface LogRow {
  type: 'action' | 'recommendation';
  timeUs: number;
  component: string | null;
  kind: string | null;
  description: string | null;
  improvement: string | null;
  improvementBasis: string | null;
  success: number | null;
  recommendationId: string | null;
  priority: string | null;
  before: string | null;
  after: string | null;
  evidence: string | null;
}

/** The optimization log (`optimization_logs.db`): actions and recommendations, newest first. */
export function optimizationLog(db: Database, filter: OptimizationLogFilter): OptimizationLogEntry[] {
  const rows = db
    .prepare(
      `SELECT * FROM (
         SELECT 'action' AS type, time_us AS timeUs, component, kind, description, improvement,
                improvement_basis AS improvementBasis, success, NULL AS recommendationId, NULL AS priority,
                before, after, NULL AS evidence
           FROM optimization_actions
          WHERE @type IS NULL OR @type = 'action'
         UNION ALL
         SELECT 'recommendation', time_us, component, kind, description, improvement, improvement_basis, NULL,
                recommendation_id, priority, NULL, NULL, evidence
           FROM optimization_recommendations
          WHERE @type IS NULL OR @type = 'recommendation')
        WHERE timeUs >= @since AND timeUs < @until AND (@component IS NULL OR component = @component)
        ORDER BY timeUs DESC LIMIT @limit`,
    )
    .all({
      type: filter.type ?? null,
      component: filter.component ?? null,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      limit: filter.limit ?? 50,
    }) as LogRow[];
  return rows.map((r) => ({
    type: r.type,
    timeUs: r.timeUs,
    component: r.component,
    kind: r.kind,
    description: r.description,
    improvement: r.improvement,
    improvementBasis: r.improvementBasis,
    success: r.success === null ? null : r.success === 1,
    recommendationId: r.recommendationId,
    priority: r.priority,
    before: parseJson(r.before),
    after: parseJson(r.after),
    evidence: parseJson(r.evidence),
  }));
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // stored by someone else's emitter as plain text: show it as it is
  }
}
