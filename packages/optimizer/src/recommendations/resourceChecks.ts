import { growthEvidence, percentileOfSorted, resourceHistory, type ResourceSnapshot } from '@transcriber/queries';
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
  const byPid = new Map<number, ResourceSnapshot[]>();
  for (const s of resourceHistory(ctx.db, { sinceUs: ctx.sinceUs, untilUs: ctx.untilUs, service: ctx.service })) {
    const pid = s.pid ?? 0;
    let list = byPid.get(pid);
    if (list === undefined) byPid.set(pid, (list = []));
    list.push(s);
  }
  if (byPid.size === 0) {
    ctx.notes.push(
      'memory growth and event-loop delay not checked: no resource snapshots in the window (is monitoring on?)',
    );
    return;
  }
  for (const [pid, samples] of byPid) {
    if (memory) checkMemoryGrowth(ctx, pid, samples);
    if (loop) checkEventLoopDelay(ctx, pid, samples);
  }
}

/**
 * A leak shows as memory that stays in use after collections: the floor (lowest sample) of memory
 * in use (heap + external) rising in each quarter of the window, not just a high peak.
 */
function checkMemoryGrowth(ctx: CheckContext, pid: number, all: readonly ResourceSnapshot[]): void {
  const samples = all.filter((s) => s.heapUsedBytes !== null);
  // The same rule as every view of memory growth (performance --component memory).
  const evidence = growthEvidence(samples.length, samples[0]?.timeUs ?? 0, samples[samples.length - 1]?.timeUs ?? 0);
  if (!evidence.sufficient) {
    ctx.notes.push(`process ${pid}: memory growth not judged: ${evidence.reason}`);
    return;
  }
  const inUse = (s: ResourceSnapshot) => ((s.heapUsedBytes ?? 0) + (s.externalBytes ?? 0)) / MB;
  const quarter = samples.length / 4;
  const floors = [0, 1, 2, 3].map((q) => {
    const part = samples.slice(Math.round(q * quarter), Math.round((q + 1) * quarter));
    return part.reduce((low, s) => (inUse(s) < inUse(low) ? s : low), part[0]);
  });
  const rising = floors.every((f, i) => i === 0 || inUse(f) > inUse(floors[i - 1]));
  const growthMb = inUse(floors[3]) - inUse(floors[0]);
  if (!rising || growthMb < ctx.thresholds.memoryGrowthMb) {
    ctx.notes.push(
      `process ${pid}: memory in use after collections ${rising ? 'rose' : 'did not rise steadily'} by ${growthMb.toFixed(1)} MiB over the window (threshold ${ctx.thresholds.memoryGrowthMb} MiB)`,
    );
    return;
  }
  const hours = Math.max(1e-6, (floors[3].timeUs - floors[0].timeUs) / 3.6e9);
  const perHour = growthMb / hours;
  const last = samples[samples.length - 1];
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
      samples: figure(samples.length, 'samples', 'measured'),
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
function checkEventLoopDelay(ctx: CheckContext, pid: number, samples: readonly ResourceSnapshot[]): void {
  const p99s = samples.map((s) => s.eventLoopDelayP99Ms).filter((v): v is number => v !== null);
  if (p99s.length < MIN_SAMPLES_FOR_DELAY) {
    ctx.notes.push(`process ${pid}: ${p99s.length} event-loop sample(s): delay not judged`);
    return;
  }
  const sorted = Float64Array.from(p99s).sort();
  const worst = percentileOfSorted(sorted, 95);
  const max = Math.max(...samples.map((s) => s.eventLoopDelayMaxMs ?? 0));
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
