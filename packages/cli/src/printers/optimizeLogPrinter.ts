import type { OptimizationLogEntry } from '@transcriber/queries';
import type { OptimizeLogResult } from '../results/optimizeLog';
import { clock } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

export function printOptimizeLog(result: OptimizeLogResult, style: Style): string {
  const heading = style.bold(`Optimization log, last ${result.window.minutes} min`);
  if (result.entries.length === 0) return `${heading}\n${style.dim('nothing optimized or recommended in this window')}`;
  const table = formatTable(
    [
      { header: 'time', value: (e) => clock(e.timeUs).slice(0, 19) },
      { header: 'type', value: (e) => e.type },
      { header: 'component', value: (e) => e.component ?? '-' },
      { header: 'kind', value: (e) => e.kind ?? '-' },
      { header: 'status', value: (e) => status(e, style) },
      { header: 'improvement', value: (e) => `${e.improvement ?? '-'} ${style.dim(`(${e.improvementBasis ?? '?'})`)}` },
    ],
    result.entries,
    style,
  );
  return `${heading}\n${table}\n\n${style.dim('--json shows each entry with its description, before/after and evidence')}`;
}

function status(e: OptimizationLogEntry, style: Style): string {
  if (e.type === 'recommendation') return e.priority ?? '-';
  if (e.success === null) return '-';
  return e.success ? style.green('done') : style.red('failed');
}

export function optimizeLogRows(result: OptimizeLogResult): Record<string, string | number | boolean | null>[] {
  return result.entries.map((e) => ({
    time_us: e.timeUs,
    type: e.type,
    component: e.component,
    kind: e.kind,
    description: e.description,
    improvement: e.improvement,
    improvement_basis: e.improvementBasis,
    success: e.success,
    recommendation_id: e.recommendationId,
    priority: e.priority,
    before: e.before === null ? null : JSON.stringify(e.before),
    after: e.after === null ? null : JSON.stringify(e.after),
    evidence: e.evidence === null ? null : JSON.stringify(e.evidence),
  }));
}
