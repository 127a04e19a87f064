import {
  memoryHistory,
  newestStart,
  resourceSummary,
  summarizeComponents,
  summarizeTurns,
  withQueryDatabase,
  type GrowthEvidence,
} from '@transcriber/queries';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { performanceRows, printPerformance } from '../printers/performancePrinter';
import { lastMinutes } from './window';
import { MAX_SUMMARIZED_TURNS, type MemoryTrend, type PerformanceReport } from '../results/performance';

export interface PerformanceOptions {
  /** A component type, or `memory` for the memory view. */
  component?: string;
  /** Only this service; default every service but benchmark runs'. */
  service?: string;
  minutes: number;
  live?: boolean;
  interval: number;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/** Latency and errors per component, and resources per process, over the last `minutes`. */
export function performance(options: PerformanceOptions & CommandContext): PerformanceReport {
  const window = lastMinutes(options.minutes);
  const memoryView = options.component === 'memory';
  const service = options.service;
  return withQueryDatabase(options.dataDir, 'performance_metrics', (db) => {
    const report: PerformanceReport = {
      window,
      component: options.component ?? null,
      service: service ?? null,
      // No untilUs: "up to now" lets the current minute come from the rollup whole.
      components: memoryView
        ? []
        : summarizeComponents(db, { sinceUs: window.sinceUs, component: options.component, service }),
      resources: resourceSummary(db, { ...window, service }),
    };
    if (options.component === undefined || options.component === 'pipeline') {
      // Summarizing turns reads each turn's marks (~30 µs a turn): a busy window gets its newest.
      const sinceUs = newestStart(db, {
        component: 'pipeline',
        sinceUs: window.sinceUs,
        count: MAX_SUMMARIZED_TURNS,
        service,
      });
      report.turns = summarizeTurns(db, { sinceUs, untilUs: window.untilUs, service });
      if (sinceUs > window.sinceUs) report.turnsSinceUs = sinceUs;
    }
    if (memoryView) {
      report.memory = memoryHistory(db, { ...window, service }).map((p) => ({
        ...p,
        rssTrend: memoryTrendOf(p.rssGrowthBytesPerMinute, p.maxRssBytes, p),
        heapUsedTrend: memoryTrendOf(p.heapUsedGrowthBytesPerMinute, p.maxHeapUsedBytes, p),
      }));
    }
    return report;
  });
}

/** Below this change over the sampled span, memory counts as stable (GC and allocator noise). */
const STABLE_BYTES = 1024 * 1024;
const STABLE_SHARE = 0.02;

/**
 * Growing/shrinking when the fitted change over the time the process was sampled exceeds both
 * 1 MiB and 2% of its peak; stable otherwise; unknown when the samples are too few or too close
 * together to judge growth from (growthEvidence: the same rule as the optimizer's).
 */
export function memoryTrendOf(
  slopePerMinute: number | null,
  peakBytes: number | null,
  history: { growth: GrowthEvidence },
): MemoryTrend {
  if (!history.growth.sufficient || slopePerMinute === null || peakBytes === null) return 'unknown';
  const change = slopePerMinute * (history.growth.spanMs / 60_000);
  if (Math.abs(change) < Math.max(STABLE_BYTES, STABLE_SHARE * peakBytes)) return 'stable';
  return change > 0 ? 'growing' : 'shrinking';
}

export const performanceCommand: CommandModule<PerformanceOptions, PerformanceReport> = {
  run: performance,
  print: printPerformance,
  rows: performanceRows,
};
