import { context, diag, metrics, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { setOperationProfiler } from '@transcriber/instrumentation';

/** A pull reader: tests call `collect()` when they want the points. */
class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A real OTel SDK (traces in memory, metrics pulled on demand) registered as the global one. */
export interface TestOtel {
  readonly spanExporter: InMemorySpanExporter;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  span(name: string): ReadableSpan;
  collect(): Promise<MetricData[]>;
}

export function installContextManager(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

export function installTracing(): { exporter: InMemorySpanExporter; provider: BasicTracerProvider } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  return { exporter, provider };
}

export function installMetrics(): { reader: MetricReader; provider: MeterProvider } {
  const reader = new TestMetricReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return { reader, provider };
}

export async function collectMetrics(reader: MetricReader): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

export function installOtel(): TestOtel {
  installContextManager();
  const tracing = installTracing();
  const metering = installMetrics();
  return {
    spanExporter: tracing.exporter,
    tracerProvider: tracing.provider,
    meterProvider: metering.provider,
    spans: () => tracing.exporter.getFinishedSpans(),
    span(name) {
      const found = tracing.exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span ${name}, found ${found.length}`);
      return found[0];
    },
    collect: () => collectMetrics(metering.reader),
  };
}

/** Unregisters every OTel global and our profiler, so the next test starts from nothing. */
export function resetOtel(): void {
  trace.disable();
  metrics.disable();
  context.disable();
  diag.disable();
  setOperationProfiler(undefined);
}

export function metric(all: MetricData[], name: string): MetricData {
  const found = all.find((m) => m.descriptor.name === name);
  if (found === undefined) throw new Error(`no metric ${name} in [${all.map((m) => m.descriptor.name).join(', ')}]`);
  return found;
}

/** The data point of `name` whose attributes are exactly `attributes`. */
export function point(all: MetricData[], name: string, attributes: Attributes): DataPoint<unknown> {
  const data = metric(all, name);
  const found = (data.dataPoints as DataPoint<unknown>[]).find(
    (p) => JSON.stringify(sorted(p.attributes)) === JSON.stringify(sorted(attributes)),
  );
  if (found === undefined) {
    throw new Error(`no ${name} point with ${JSON.stringify(attributes)}: ${JSON.stringify(data.dataPoints)}`);
  }
  return found;
}

export function histogramPoint(all: MetricData[], name: string, attributes: Attributes): Histogram {
  if (metric(all, name).dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
  return point(all, name, attributes).value as Histogram;
}

export function counterValue(all: MetricData[], name: string, attributes: Attributes): number {
  return point(all, name, attributes).value as number;
}

function sorted(attributes: Attributes): [string, unknown][] {
  return Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
}

export function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: a sync operation that takes a known time
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
