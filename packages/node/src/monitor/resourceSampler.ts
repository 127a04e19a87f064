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
import { ResourceWindow, type ResourceSample } from './resourceWindow';

export type { ResourceSample } from './resourceWindow';

/**
 * Samples process and machine resources every interval from Node's own counters (process.cpuUsage,
 * memoryUsage, the event-loop delay histogram, os.cpus) — cheap and with no start-up cost — hands
 * each sample to `onSample` (the SQLite snapshots), and publishes OTel observable gauges.
 *
 * A sample covers exactly its interval: the timer is the only thing that takes one (and, for a run
 * shorter than an interval, {@link finalSample}). The gauges have a window of their own, from one collection
 * to the next, so a stall between two samples still reaches an exporter that collects less often,
 * and a collection (an export, a scrape) never cuts a sample short: the samples used to be taken by
 * the collections themselves, and a flush followed by the shutdown's own collection stored a last
 * sample microseconds long (event-loop delay and machine CPU 0).
 */
export class ResourceSampler {
  private timer: NodeJS.Timeout | undefined;
  private intervalMs = 1000;
  private readonly intervals = new ResourceWindow();
  private readonly collections = new ResourceWindow();
  private latest: ResourceSample | undefined;
  private onSample: ((sample: ResourceSample) => void) | undefined;
  private gauges: [name: string, gauge: Observable][] = [];
  private meter: Meter | undefined;
  private readonly callback = (result: BatchObservableResult) => this.observe(result);

  /**
   * Starts sampling every `intervalSeconds`, each sample handed to `onSample`, and registers the
   * gauges on the global meter provider.
   */
  start(intervalSeconds: number, onSample?: (sample: ResourceSample) => void): void {
    if (this.timer !== undefined) return;
    this.intervalMs = Math.max(10, intervalSeconds * 1000);
    this.onSample = onSample;
    this.intervals.open();
    this.collections.open();
    this.timer = setInterval(() => this.record(this.intervals.read(this.intervalMs)), this.intervalMs);
    this.timer.unref();
    this.registerGauges();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.onSample = undefined;
    this.intervals.close();
    this.collections.close();
    this.meter?.removeBatchObservableCallback(
      this.callback,
      this.gauges.map(([, observable]) => observable),
    );
    this.meter = undefined;
  }

  /** The most recent sample, taking one now if none was taken yet. */
  current(): ResourceSample {
    return this.latest ?? this.sample();
  }

  /** Takes a sample now, covering the time since the previous one. */
  sample(): ResourceSample {
    return this.record(this.intervals.read());
  }

  /**
   * When the process stops: sampling ends, with a sample of the whole run if it was shorter than
   * an interval (else the last interval's stands: a sample taken while shutting down would be a
   * sliver of an interval, of the shutdown's own work).
   */
  finalSample(): ResourceSample | undefined {
    if (this.timer === undefined) return undefined;
    clearInterval(this.timer);
    return this.latest === undefined ? this.sample() : undefined;
  }

  private record(sample: ResourceSample): ResourceSample {
    this.latest = sample;
    this.onSample?.(sample);
    return sample;
  }

  private registerGauges(): void {
    const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
    const gauge = (name: string, unit: string, description: string): [string, Observable] => [
      name,
      meter.createObservableGauge(name, { unit, description }),
    ];
    this.gauges = [
      gauge(
        METRIC_PROCESS_CPU_UTILIZATION,
        '1',
        'Process CPU time over wall time since the last collection (1 = one core)',
      ),
      gauge(METRIC_PROCESS_MEMORY_RSS, 'By', 'Resident set size'),
      gauge(METRIC_PROCESS_HEAP_USED, 'By', 'V8 heap used'),
      gauge(METRIC_PROCESS_HEAP_TOTAL, 'By', 'V8 heap reserved'),
      gauge(METRIC_PROCESS_EXTERNAL, 'By', 'Memory of C++ objects bound to JS, Buffers included'),
      gauge(METRIC_EVENT_LOOP_DELAY_P50, 's', 'Event-loop delay, median since the last collection'),
      gauge(METRIC_EVENT_LOOP_DELAY_P99, 's', 'Event-loop delay, 99th percentile since the last collection'),
      gauge(METRIC_EVENT_LOOP_DELAY_MAX, 's', 'Event-loop delay, maximum since the last collection'),
      gauge(METRIC_SYSTEM_CPU_UTILIZATION, '1', 'Machine CPU utilisation since the last collection (0-1)'),
      gauge(METRIC_SYSTEM_MEMORY_USAGE, 'By', 'Machine memory in use'),
      gauge(METRIC_SYSTEM_MEMORY_LIMIT, 'By', 'Machine memory installed'),
    ];
    meter.addBatchObservableCallback(
      this.callback,
      this.gauges.map(([, observable]) => observable),
    );
    this.meter = meter;
  }

  private observe(result: BatchObservableResult): void {
    const values = gaugeValues(this.collections.read());
    // A window too short to measure the loop in (two readers collecting one after the other) takes
    // the latest sample's figures: measured, if over the last interval rather than this window.
    const latest = this.latest === undefined ? undefined : gaugeValues(this.latest);
    for (const [name, observable] of this.gauges) {
      const value = values[name] ?? latest?.[name] ?? null;
      if (value !== null) result.observe(observable, value);
    }
  }
}

/** A sample's figures by resource gauge name, in the gauges' units (s, bytes, 0–1); null where not measured. */
export function gaugeValues(s: ResourceSample): Record<string, number | null> {
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  return {
    [METRIC_PROCESS_CPU_UTILIZATION]: s.cpuUtilization,
    [METRIC_PROCESS_MEMORY_RSS]: s.rssBytes,
    [METRIC_PROCESS_HEAP_USED]: s.heapUsedBytes,
    [METRIC_PROCESS_HEAP_TOTAL]: s.heapTotalBytes,
    [METRIC_PROCESS_EXTERNAL]: s.externalBytes,
    [METRIC_EVENT_LOOP_DELAY_P50]: seconds(s.eventLoopDelayP50Ms),
    [METRIC_EVENT_LOOP_DELAY_P99]: seconds(s.eventLoopDelayP99Ms),
    [METRIC_EVENT_LOOP_DELAY_MAX]: seconds(s.eventLoopDelayMaxMs),
    [METRIC_SYSTEM_CPU_UTILIZATION]: s.systemCpuUtilization,
    [METRIC_SYSTEM_MEMORY_USAGE]: s.systemMemoryUsedBytes,
    [METRIC_SYSTEM_MEMORY_LIMIT]: s.systemMemoryTotalBytes,
  };
}
