import { growthEvidence, percentileOfSorted, resourceSeries, type ProcessResourceSeries } from '@transcriber/queries';
import { figure } from '../figure';
import { ms, wanted, type CheckContext } from './checkContext';
import type { Priority } from './recommendation';

const MB = 2 ** 20;
const MIN_SAMPLES_FOR_DELAY = 3;

/** Memory growth and event-loop delay per process, from the monitor's resource snapshots. */
export function checkResources(ctx: CheckContext): void {
  const memory = wanted(ctx, 'memory');
  const loop = wanted(ctx, 'event_loop');
  if (!memory && !loop) return;
  const processes = resourceSeries(ctx.db, { sinceUs: ctx.sinceUs, untilUs: ctx.untilUs, service: ctx.service });
  if (processes.length === 0) {
    ctx.notes.push(
      'memory growth and event-loop delay not checked: no resource snapshots in the window (is monitoring on?)',
    );
    return;
  }
  for (const series of processes) {
    if (memory) checkMemoryGrowth(ctx, series);
    if (loop) checkEventLoopDelay(ctx, series);
  }
}

/**
 * A leak shows as memory that stays in use after collections: the floor (lowest sample) of memory
 * in use (heap + external) rising in each quarter of the window, not just a high peak.
 */
function checkMemoryGrowth(ctx: CheckContext, series: ProcessResourceSeries): void {
  const { pid } = series;
  // The samples with memory in use measured, as (time, MiB) pairs.
  const times: number[] = [];
  const mib: number[] = [];
  series.memoryInUseBytes.forEach((bytes, i) => {
    if (Number.isNaN(bytes)) return;
    times.push(series.timesUs[i]);
    mib.push(bytes / MB);
  });
  // The same rule as every view of memory growth (performance --component memory).
  const evidence = growthEvidence(mib.length, times[0] ?? 0, times[times.length - 1] ?? 0);
  if (!evidence.sufficient) {
    ctx.notes.push(`process ${pid}: memory growth not judged: ${evidence.reason}`);
    return;
  }
  const quarter = mib.length / 4;
  // Each quarter's floor: the index of its lowest sample.
  const floors = [0, 1, 2, 3].map((q) => {
    let low = Math.round(q * quarter);
    for (let i = low + 1; i < Math.round((q + 1) * quarter); i++) if (mib[i] < mib[low]) low = i;
    return low;
  });
  const inUse = (i: number) => mib[i];
  const rising = floors.every((f, i) => i === 0 || inUse(f) > inUse(floors[i - 1]));
  const growthMb = inUse(floors[3]) - inUse(floors[0]);
  if (!rising || growthMb < ctx.thresholds.memoryGrowthMb) {
    ctx.notes.push(
      `process ${pid}: memory in use after collections ${rising ? 'rose' : 'did not rise steadily'} by ${growthMb.toFixed(1)} MiB over the window (threshold ${ctx.thresholds.memoryGrowthMb} MiB)`,
    );
    return;
  }
  const hours = Math.max(1e-6, (times[floors[3]] - times[floors[0]]) / 3.6e9);
  const perHour = growthMb / hours;
  const { last } = series;
  const freeMb =
    last.systemMemoryTotalBytes !== null && last.systemMemoryUsedBytes !== null
      ? (last.systemMemoryTotalBytes - last.systemMemoryUsedBytes) / MB
      : undefined;
  const hoursLeft = freeMb === undefined ? undefined : freeMb / perHour;
  const priority: Priority = hoursLeft !== undefined && hoursLeft < 24 ? 'high' : 'medium';
  ctx.recommendations.push({
    id: `memory-growth:${pid}`,
    component: 'memory',
    kind: 'memory-growth',
    priority,
    description: `process ${pid}: memory in use after collections rose in every quarter of the window (${inUse(floors[0]).toFixed(1)} → ${inUse(floors[3]).toFixed(1)} MiB), the pattern of a leak: find what is retained with \`transcriber profile --memory\`, and bound caches (ModelCache with maxBytes)`,
    expectedImprovement:
      `stops ${perHour.toFixed(1)} MiB/h of growth` +
      (hoursLeft === undefined
        ? ''
        : ` (at this rate the ${Math.round(freeMb as number)} MiB free run out in ~${hoursLeft.toFixed(1)} h)`),
    improvementBasis: 'derived',
    evidence: {
      samples: figure(mib.length, 'samples', 'measured'),
      floorStartMb: figure(inUse(floors[0]), 'MiB', 'measured'),
      floorEndMb: figure(inUse(floors[3]), 'MiB', 'measured'),
      growthMb: figure(growthMb, 'MiB', 'derived'),
      growthMbPerHour: figure(perHour, 'MiB/h', 'derived'),
      thresholdMb: figure(ctx.thresholds.memoryGrowthMb, 'MiB', 'configured'),
      ...(last.rssBytes === null ? {} : { rssEndMb: figure(last.rssBytes / MB, 'MiB', 'measured') }),
    },
  });
}

/** Event-loop delay: the p99 of each sampling interval, judged in the worst 5% of intervals. */
function checkEventLoopDelay(ctx: CheckContext, series: ProcessResourceSeries): void {
  const { pid } = series;
  const p99s = series.eventLoopDelayP99Ms.filter((v) => !Number.isNaN(v));
  if (p99s.length < MIN_SAMPLES_FOR_DELAY) {
    ctx.notes.push(`process ${pid}: ${p99s.length} event-loop sample(s): delay not judged`);
    return;
  }
  const worst = percentileOfSorted(p99s.sort(), 95);
  const max = series.eventLoopDelayMaxMs.reduce((most, v) => (v > most ? v : most), 0);
  const { eventLoopDelayMs, eventLoopDelayHighMs } = ctx.thresholds;
  if (worst < eventLoopDelayMs) {
    ctx.notes.push(
      `process ${pid}: event-loop delay p99 ${ms(worst)} in the worst 5% of intervals, below ${eventLoopDelayMs} ms`,
    );
    return;
  }
  const priority: Priority = worst >= eventLoopDelayHighMs ? 'high' : worst >= 2 * eventLoopDelayMs ? 'medium' : 'low';
  ctx.recommendations.push({
    id: `event-loop-delay:${pid}`,
    component: 'event_loop',
    kind: 'event-loop-delay',
    priority,
    description: `process ${pid}: the event loop ran ${ms(worst)} late (p99, worst 5% of intervals; max ${ms(max)}): synchronous work blocks the main thread, and every audio frame and network callback waits behind it. Find it with \`transcriber profile\`; move CPU-bound stages to worker threads`,
    expectedImprovement: `up to -${ms(worst)} delay on every timer and I/O callback, audio frames included`,
    improvementBasis: 'derived',
    evidence: {
      samples: figure(p99s.length, 'samples', 'measured'),
      delayP99WorstMs: figure(worst, 'ms', 'derived'),
      delayMaxMs: figure(max, 'ms', 'measured'),
      thresholdMs: figure(eventLoopDelayMs, 'ms', 'configured'),
    },
  });
}
