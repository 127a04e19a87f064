import type { Figure, MemoryAction, MemorySnapshot, Recommendation } from '@transcriber/optimizer';
import type { OptimizeResult } from '../results/optimize';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

export function printOptimize(result: OptimizeResult, style: Style): string {
  return result.mode === 'applied' ? printApplied(result, style) : printRecommendations(result, style);
}

function printRecommendations(result: Extract<OptimizeResult, { mode: 'recommendations' }>, style: Style): string {
  const { report } = result;
  const heading = style.bold(
    `Optimization recommendations, last ${report.window.minutes} min (${report.recommendations.length})`,
  );
  const notes = report.notes.length === 0 ? '' : `\n\n${style.dim(report.notes.map((n) => `· ${n}`).join('\n'))}`;
  if (report.recommendations.length === 0) {
    return `${heading}\n${style.green('nothing to recommend from the recorded data')}${notes}`;
  }
  const table = formatTable(
    [
      { header: 'priority', value: (r) => priority(r, style) },
      { header: 'component', value: (r) => r.component },
      { header: 'id', value: (r) => r.id },
      {
        header: 'expected improvement',
        value: (r) => `${r.expectedImprovement} ${style.dim(`(${r.improvementBasis})`)}`,
      },
    ],
    report.recommendations,
    style,
  );
  const details = report.recommendations.map(
    (r) => `${style.bold(r.id)}\n  ${r.description}\n  ${style.dim(`evidence: ${evidence(r)}`)}`,
  );
  return `${heading}\n${table}\n\n${details.join('\n\n')}${notes}\n\n${style.dim(
    'every figure says how it was obtained: measured, derived (from measured figures), heuristic or configured',
  )}`;
}

function priority(r: Recommendation, style: Style): string {
  if (r.priority === 'high') return style.red('high');
  if (r.priority === 'medium') return style.yellow('medium');
  return 'low';
}

function evidence(r: Recommendation): string {
  return Object.entries(r.evidence)
    .map(([key, value]) => `${key} ${describe(value)}`)
    .join(' · ');
}

function describe(value: Figure | string | string[]): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(', ');
  return `${value.value} ${value.unit} (${value.basis})`;
}

function printApplied(result: Extract<OptimizeResult, { mode: 'applied' }>, style: Style): string {
  const { memory } = result;
  const heading = style.bold(`Memory optimization of process ${result.pid} (measured in that process)`);
  const freed = `freed ${memory.freedMb.toFixed(1)} MiB in use (heap + external); RSS ${signed(-memory.rssFreedMb)} MiB`;
  const rows: { name: string; key: keyof Omit<MemorySnapshot, 'basis'> }[] = [
    { name: 'heap used', key: 'heapUsedMb' },
    { name: 'heap total', key: 'heapTotalMb' },
    { name: 'external', key: 'externalMb' },
    { name: 'array buffers', key: 'arrayBuffersMb' },
    { name: 'rss', key: 'rssMb' },
  ];
  const table = formatTable(
    [
      { header: 'memory', value: (r) => r.name },
      { header: 'before MiB', align: 'right', value: (r) => memory.before[r.key].toFixed(1) },
      { header: 'after MiB', align: 'right', value: (r) => memory.after[r.key].toFixed(1) },
    ],
    rows,
    style,
  );
  const actions = memory.actions.length === 0 ? ['none'] : memory.actions.map(action);
  return `${heading}\n${style.green(freed)}\n\n${table}\n\nactions:\n${actions.map((a) => `  ${a}`).join('\n')}`;
}

function action(a: MemoryAction): string {
  if ('error' in a) return `${a.action}${'cache' in a ? ` ${a.cache}` : ''} failed: ${a.error}`;
  if (a.action === 'gc') return `garbage collection via ${a.method}: ${a.durationMs.toFixed(1)} ms`;
  return `purged cache ${a.cache}: ${a.entries} entries, ${a.accountedMb.toFixed(1)} MiB by its accounting`;
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}`;
}

/** CSV: one row per recommendation, or per memory figure when applied. */
export function optimizeRows(result: OptimizeResult): Record<string, string | number | boolean | null>[] {
  if (result.mode === 'applied') {
    const { before, after } = result.memory;
    return (['rssMb', 'heapUsedMb', 'heapTotalMb', 'externalMb', 'arrayBuffersMb'] as const).map((key) => ({
      pid: result.pid,
      figure: key,
      before: before[key],
      after: after[key],
      basis: 'measured',
    }));
  }
  return result.report.recommendations.map((r) => ({
    id: r.id,
    component: r.component,
    kind: r.kind,
    priority: r.priority,
    description: r.description,
    expected_improvement: r.expectedImprovement,
    improvement_basis: r.improvementBasis,
    evidence: JSON.stringify(r.evidence),
  }));
}
