import {
  MAX_SUMMARIZED_TURNS,
  type MemoryTrend,
  type PerformanceReport,
  type ProcessMemoryReport,
} from '../results/performance';
import { bytes, clock, count, ms, percent, serviceScope } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';
import { turnSummaryRows, turnSummarySection } from './turnSummaryPrinter';

export function printPerformance(report: PerformanceReport, style: Style): string {
  const until = clock(report.window.untilUs).slice(11, 19);
  const scope = report.component === null ? '' : ` · ${report.component}`;
  const blocks = [
    style.bold(`Performance, last ${report.window.minutes} min until ${until}${scope}${serviceScope(report.service)}`),
  ];
  if (report.memory !== undefined) blocks.push(memorySection(report.memory, style));
  else blocks.push(componentSection(report, style));
  if (report.turns !== undefined && report.turns.turns > 0) {
    const covered =
      report.turnsSinceUs === undefined
        ? ''
        : `\n${style.dim(`(the newest ${count(MAX_SUMMARIZED_TURNS)} pipeline operations of the window, since ${clock(report.turnsSinceUs).slice(11, 19)})`)}`;
    blocks.push(turnSummarySection(report.turns, style) + covered);
  }
  blocks.push(resourceSection(report, style));
  return blocks.join('\n\n');
}

function componentSection(report: PerformanceReport, style: Style): string {
  if (report.components.length === 0) return style.dim('no operations recorded in this window');
  const estimated = report.components.some((c) => c.percentiles === 'buckets')
    ? `\n${style.dim('p50/p95/p99 from per-minute latency buckets (within 4.5%); the other figures are exact')}`
    : '';
  const table = formatTable(
    [
      { header: 'component', value: (c) => c.component },
      { header: 'count', align: 'right', value: (c) => count(c.count) },
      { header: 'errors', align: 'right', value: (c) => (c.errors > 0 ? style.red(count(c.errors)) : '0') },
      {
        header: 'error rate',
        align: 'right',
        value: (c) => (c.errors > 0 ? style.red(percent(c.errorRate)) : percent(0)),
      },
      { header: 'avg ms', align: 'right', value: (c) => ms(c.avgMs) },
      { header: 'p50 ms', align: 'right', value: (c) => ms(c.p50Ms) },
      { header: 'p95 ms', align: 'right', value: (c) => ms(c.p95Ms) },
      { header: 'p99 ms', align: 'right', value: (c) => ms(c.p99Ms) },
      { header: 'min ms', align: 'right', value: (c) => ms(c.minMs) },
      { header: 'max ms', align: 'right', value: (c) => ms(c.maxMs) },
    ],
    report.components,
    style,
  );
  return table + estimated;
}

function resourceSection(report: PerformanceReport, style: Style): string {
  const heading = style.bold('Resources');
  if (report.resources.length === 0) return `${heading}\n${style.dim('no resource samples in this window')}`;
  const table = formatTable(
    [
      { header: 'pid', align: 'right', value: (p) => (p.pid === null ? '-' : String(p.pid)) },
      { header: 'service', value: (p) => p.serviceName ?? '-' },
      { header: 'cpu', align: 'right', value: (p) => percent(p.latest.cpuUtilization) },
      { header: 'cpu max', align: 'right', value: (p) => percent(p.maxCpuUtilization) },
      { header: 'rss', align: 'right', value: (p) => bytes(p.latest.rssBytes) },
      { header: 'rss max', align: 'right', value: (p) => bytes(p.maxRssBytes) },
      {
        header: 'heap used/total',
        align: 'right',
        value: (p) => `${bytes(p.latest.heapUsedBytes)} / ${bytes(p.latest.heapTotalBytes)}`,
      },
      { header: 'loop p99 ms', align: 'right', value: (p) => ms(p.latest.eventLoopDelayP99Ms) },
      { header: 'samples', align: 'right', value: (p) => count(p.samples) },
      { header: 'last sample', value: (p) => clock(p.lastUs).slice(11) },
    ],
    report.resources,
    style,
  );
  const newest = report.resources.reduce((a, b) => (b.lastUs > a.lastUs ? b : a)).latest;
  const system = `machine: cpu ${percent(newest.systemCpuUtilization)}, memory ${bytes(newest.systemMemoryUsedBytes)} of ${bytes(newest.systemMemoryTotalBytes)}`;
  return `${heading}\n${table}\n${style.dim(system)}`;
}

function memorySection(processes: ProcessMemoryReport[], style: Style): string {
  if (processes.length === 0) return style.dim('no memory samples in this window');
  return processes
    .map((p) => {
      const who = `${style.bold(`pid ${p.pid ?? '-'}`)}${p.serviceName === null ? '' : ` (${p.serviceName})`}`;
      const lines = [
        who,
        `  RSS        ${bytes(p.firstRssBytes)} → ${bytes(p.lastRssBytes)}, peak ${bytes(p.maxRssBytes)}${growthOf(p.rssGrowthBytesPerMinute, p.rssTrend, p, style)}`,
        `  heap used  ${bytes(p.firstHeapUsedBytes)} → ${bytes(p.lastHeapUsedBytes)}, peak ${bytes(p.maxHeapUsedBytes)}${growthOf(p.heapUsedGrowthBytesPerMinute, p.heapUsedTrend, p, style)}`,
        ...(p.growth.sufficient ? [] : [style.dim(`  growth not judged: ${p.growth.reason}`)]),
        '',
        formatTable(
          [
            { header: 'time', value: (h) => clock(h.timeUs).slice(11) },
            { header: 'rss', align: 'right', value: (h) => bytes(h.rssBytes) },
            { header: 'heap used', align: 'right', value: (h) => bytes(h.heapUsedBytes) },
            { header: 'heap total', align: 'right', value: (h) => bytes(h.heapTotalBytes) },
            { header: 'external', align: 'right', value: (h) => bytes(h.externalBytes) },
            { header: 'samples', align: 'right', value: (h) => count(h.samples) },
          ],
          p.history,
          style,
        )
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      ];
      return lines.join('\n');
    })
    .join('\n\n');
}

/** `, +1.2 MiB/min  growing`, or nothing when growth could not be judged (the reason is printed below). */
function growthOf(bytesPerMinute: number | null, value: MemoryTrend, p: ProcessMemoryReport, style: Style): string {
  if (!p.growth.sufficient || bytesPerMinute === null) return '';
  const rate = Math.abs(bytesPerMinute) < 1 ? 0 : bytesPerMinute; // a fitted flat line: not "-0 B"
  return `, ${rate >= 0 ? '+' : ''}${bytes(rate)}/min  ${trend(value, style)}`;
}

function trend(value: MemoryTrend, style: Style): string {
  if (value === 'growing') return style.yellow('growing');
  if (value === 'shrinking') return style.green('shrinking');
  return style.dim(value);
}

/** CSV: one row per component, per process's resources, and per memory history point, tagged by section. */
export function performanceRows(report: PerformanceReport) {
  const rows: Record<string, string | number | boolean | null>[] = report.components.map((c) => ({
    section: 'component',
    component: c.component,
    count: c.count,
    errors: c.errors,
    error_rate: c.errorRate,
    avg_ms: c.avgMs,
    p50_ms: c.p50Ms,
    p95_ms: c.p95Ms,
    p99_ms: c.p99Ms,
    min_ms: c.minMs,
    max_ms: c.maxMs,
  }));
  if (report.turns !== undefined && report.turns.turns > 0) rows.push(...turnSummaryRows(report.turns));
  for (const p of report.resources) {
    rows.push({
      section: 'resources',
      pid: p.pid,
      service: p.serviceName,
      time_us: p.lastUs,
      cpu_utilization: p.latest.cpuUtilization,
      max_cpu_utilization: p.maxCpuUtilization,
      rss_bytes: p.latest.rssBytes,
      max_rss_bytes: p.maxRssBytes,
      heap_used_bytes: p.latest.heapUsedBytes,
      heap_total_bytes: p.latest.heapTotalBytes,
      event_loop_delay_p99_ms: p.latest.eventLoopDelayP99Ms,
      samples: p.samples,
    });
  }
  for (const p of report.memory ?? []) {
    for (const h of p.history) {
      rows.push({
        section: 'memory',
        pid: p.pid,
        service: p.serviceName,
        time_us: h.timeUs,
        rss_bytes: h.rssBytes,
        heap_used_bytes: h.heapUsedBytes,
        heap_total_bytes: h.heapTotalBytes,
        external_bytes: h.externalBytes,
        samples: h.samples,
        rss_growth_bytes_per_minute: p.rssGrowthBytesPerMinute,
        heap_used_growth_bytes_per_minute: p.heapUsedGrowthBytesPerMinute,
        rss_trend: p.rssTrend,
        heap_used_trend: p.heapUsedTrend,
      });
    }
  }
  return rows;
}
