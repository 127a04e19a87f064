import { metrics, type BatchObservableResult, type Meter, type Observable } from '@opentelemetry/api';
import {
  INSTRUMENTATION_SCOPE,
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_EVENT_LOOP_DELAY_P50,
  METRIC_EVENT_LOOP_DELAY_P99,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_EXTERNAL,
  METRIC_PROCESS_HEAP_TOTAL,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_LIMIT,
  METRIC_SYSTEM_MEMORY_USAGE,
} from '@transcriber/instrumentation';
import * as os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** One resource sample. CPU as a share (1 = one core busy for process, whole machine for system). */
export interface ResourceSample {
  timeMs: number;
  cpuUtilization: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  systemCpuUtilization: number;
  systemMemoryUsedBytes: number;
  systemMemoryTotalBytes: number;
}

/**
 * Samples process and machine resources every interval from Node's own counters (process.cpuUsage,
 * memoryUsage, the event-loop delay histogram, os.cpus) — cheap and with no start-up cost — and
 * publishes the latest sample as OTel observable gauges.
 */
export class ResourceSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  private lastCpu = process.cpuUsage();
  private lastWallMs = performance.now();
  private lastSystem = systemCpuTimes();
  private latest: ResourceSample | undefined;
  private observables: Observable[] = [];
  private meter: Meter | undefined;
  private readonly callback = (result: BatchObservableResult) => this.observe(result);

  /** Starts sampling every `intervalSeconds` and registers the gauges on the global meter provider. */
  start(intervalSeconds: number): void {
    if (this.timer !== undefined) return;
    this.loopDelay.enable();
    this.lastCpu = process.cpuUsage();
    this.lastWallMs = performance.now();
    this.lastSystem = systemCpuTimes();
    this.timer = setInterval(() => this.sample(), Math.max(10, intervalSeconds * 1000));
    this.timer.unref();
    this.registerGauges();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.loopDelay.disable();
    this.meter?.removeBatchObservableCallback(this.callback, this.observables);
    this.meter = undefined;
  }

  /** The most recent sample, taking one now if none was taken yet. */
  current(): ResourceSample {
    return this.latest ?? this.sample();
  }

  /** Takes a sample now (the interval timer calls this). */
  sample(): ResourceSample {
    const nowMs = performance.now();
    const wallUs = Math.max(1, (nowMs - this.lastWallMs) * 1000);
    const cpu = process.cpuUsage(this.lastCpu);
    const memory = process.memoryUsage();
    const system = systemCpuTimes();
    const systemTotal = system.total - this.lastSystem.total;
    const systemIdle = system.idle - this.lastSystem.idle;
    const totalMemory = os.totalmem();
    const delay = this.loopDelay;
    const hasDelay = delay.count > 0;
    const latest: ResourceSample = {
      timeMs: Date.now(),
      cpuUtilization: (cpu.user + cpu.system) / wallUs,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      eventLoopDelayP50Ms: hasDelay ? lateByMs(delay.percentile(50)) : 0,
      eventLoopDelayP99Ms: hasDelay ? lateByMs(delay.percentile(99)) : 0,
      eventLoopDelayMaxMs: hasDelay ? lateByMs(delay.max) : 0,
      systemCpuUtilization: systemTotal > 0 ? 1 - systemIdle / systemTotal : 0,
      systemMemoryUsedBytes: totalMemory - os.freemem(),
      systemMemoryTotalBytes: totalMemory,
    };
    this.latest = latest;
    // With the gauges registered, the delay histogram spans a whole export interval (it is reset
    // when the gauges are read), so a stall between two samples is not lost; without them each
    // sample covers its own interval.
    if (this.meter === undefined) delay.reset();
    this.lastCpu = process.cpuUsage();
    this.lastWallMs = nowMs;
    this.lastSystem = system;
    return latest;
  }

  private registerGauges(): void {
    const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
    const gauge = (name: string, unit: string, description: string) =>
      meter.createObservableGauge(name, { unit, description });
    this.observables = [
      gauge(METRIC_PROCESS_CPU_UTILIZATION, '1', 'Process CPU time over wall time (1 = one core)'),
      gauge(METRIC_PROCESS_MEMORY_RSS, 'By', 'Resident set size'),
      gauge(METRIC_PROCESS_HEAP_USED, 'By', 'V8 heap used'),
      gauge(METRIC_PROCESS_HEAP_TOTAL, 'By', 'V8 heap reserved'),
      gauge(METRIC_PROCESS_EXTERNAL, 'By', 'Memory of C++ objects bound to JS, Buffers included'),
      gauge(METRIC_EVENT_LOOP_DELAY_P50, 's', 'Event-loop delay, median since the last collection'),
      gauge(METRIC_EVENT_LOOP_DELAY_P99, 's', 'Event-loop delay, 99th percentile since the last collection'),
      gauge(METRIC_EVENT_LOOP_DELAY_MAX, 's', 'Event-loop delay, maximum since the last collection'),
      gauge(METRIC_SYSTEM_CPU_UTILIZATION, '1', 'Machine CPU utilisation (0-1)'),
      gauge(METRIC_SYSTEM_MEMORY_USAGE, 'By', 'Machine memory in use'),
      gauge(METRIC_SYSTEM_MEMORY_LIMIT, 'By', 'Machine memory installed'),
    ];
    meter.addBatchObservableCallback(this.callback, this.observables);
    this.meter = meter;
  }

  private observe(result: BatchObservableResult): void {
    const s = this.sample(); // the delay figures cover everything since the last collection
    this.loopDelay.reset();
    const values = [
      s.cpuUtilization,
      s.rssBytes,
      s.heapUsedBytes,
      s.heapTotalBytes,
      s.externalBytes,
      s.eventLoopDelayP50Ms / 1000,
      s.eventLoopDelayP99Ms / 1000,
      s.eventLoopDelayMaxMs / 1000,
      s.systemCpuUtilization,
      s.systemMemoryUsedBytes,
      s.systemMemoryTotalBytes,
    ];
    this.observables.forEach((observable, i) => result.observe(observable, values[i]));
  }
}

// Node's histogram records the whole time between its timer's runs (nominally the resolution), so
// the delay is what exceeds the resolution.
const LOOP_DELAY_RESOLUTION_MS = 10;

function lateByMs(recordedNs: number): number {
  return Math.max(0, recordedNs / 1e6 - LOOP_DELAY_RESOLUTION_MS);
}

function systemCpuTimes(): { total: number; idle: number } {
  let total = 0;
  let idle = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
    idle += t.idle;
  }
  return { total, idle };
}
