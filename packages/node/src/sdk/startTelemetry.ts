import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  globalErrorHandler,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  durableFlush,
  SqliteLogRecordExporter,
  SqliteMetricExporter,
  SqliteResourceSnapshotExporter,
  SqliteSpanExporter,
  TimeOrderedIdGenerator,
} from '@transcriber/storage';
import { attributeValueLengthLimits } from '../config/attributeValueLengthLimits';
import type { PerformanceConfig } from '../config/performanceConfig';
import { FrameworkSpanProcessor } from '../instrumentations/frameworks/frameworkSpanProcessor';
import { RecentOperations } from '../monitor/recentOperations';
import { gaugeValues, ResourceSampler } from '../monitor/resourceSampler';
import { installDiagLogger } from './diagLogger';
import { LazyLoggerProvider } from './lazyLoggerProvider';
import { registeredProviders, type RegisteredProviders } from './globalProviders';

export interface TelemetryOptions {
  /** Write to the SQLite databases of `config.dataDir`: all signals, or per signal. Default true. */
  sqlite?: boolean | { traces?: boolean; metrics?: boolean; logs?: boolean };
  /** More span exporters (e.g. OTLP), each behind its own batch processor. */
  spanExporters?: SpanExporter[];
  /** More span processors (e.g. the profiler's attribution). */
  spanProcessors?: SpanProcessor[];
  /** More metric readers (e.g. Prometheus, OTLP). */
  metricReaders?: IMetricReader[];
  /** More log record exporters (e.g. OTLP). */
  logExporters?: LogRecordExporter[];
  /** Resource attributes added to the detected ones. */
  resourceAttributes?: Record<string, string | number | boolean>;
}

/** The running OTel SDK of this process, as started (or joined) by us. */
export interface Telemetry {
  readonly config: PerformanceConfig;
  readonly resource: Resource;
  /** The last `maxMetricsHistory` component operations (only when our tracer provider runs). */
  readonly recentOperations: RecentOperations;
  /** Signals whose provider the app had already registered: we use theirs, not ours. */
  readonly joined: RegisteredProviders;
  /** The process's resource sampler, every `monitoringInterval` (with `enableMonitoring`). */
  readonly resources: ResourceSampler | undefined;
  forceFlush(): Promise<void>;
  /** Flushes everything and shuts the providers down; later calls resolve at once. */
  shutdown(): Promise<void>;
}

const ACTIVE_KEY = Symbol.for('transcriber.node.telemetry');
/** How long the rows of this process's telemetry wait for more before a commit, ms. */
const STORAGE_GATHER_MS = 1000;
type Holder = { [ACTIVE_KEY]?: { telemetry: Telemetry; users: number } };

/** The telemetry started in this process, if any. */
export function activeTelemetry(): Telemetry | undefined {
  return (globalThis as Holder)[ACTIVE_KEY]?.telemetry;
}

/**
 * Starts the OTel SDK for traces, metrics and logs with the SQLite exporters (and any others given),
 * and registers it globally. Signals whose provider the app already registered are joined, not
 * replaced. Started once per process: later calls share it, and the SDK shuts down when the last
 * of them calls `shutdown()`.
 */
export function startTelemetry(config: PerformanceConfig, options: TelemetryOptions = {}): Telemetry {
  const holder = globalThis as Holder;
  const existing = holder[ACTIVE_KEY];
  if (existing !== undefined) {
    existing.users++;
    return sharedHandle(existing);
  }
  installDiagLogger();
  const joined = registeredProviders();
  const resource = detectResources({ detectors: [envDetector] }).merge(
    resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME || defaultServiceName(),
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      ...options.resourceAttributes,
    }),
  );
  const sqlite =
    typeof options.sqlite === 'object'
      ? {
          traces: options.sqlite.traces !== false,
          metrics: options.sqlite.metrics !== false,
          logs: options.sqlite.logs !== false,
        }
      : { traces: options.sqlite !== false, metrics: options.sqlite !== false, logs: options.sqlite !== false };
  const storage = {
    dataDir: config.dataDir,
    retention: { maxAgeDays: config.retentionDays },
    // The span batches and the resource samples come on timers of their own, a second apart each:
    // gathered, they share one commit a second instead of two, each ~0.3 ms of the app's thread on
    // a busy voice agent (the LiveKit example's profile, docs/performance.md). A flush still writes
    // at once.
    gatherMs: STORAGE_GATHER_MS,
  };
  const recentOperations = new RecentOperations(config.maxMetricsHistory);
  // The same limits `transcriber collect` holds received values to (the SDK's own default is none).
  const valueLengthLimits = valueLengthLimitsOrDefaults();
  const shutdowns: (() => Promise<void>)[] = [];
  const flushes: (() => Promise<void>)[] = [];
  // Providers we registered are unregistered at shutdown, so a later start in the same process
  // registers live ones instead of joining the dead ones (the context manager and propagator stay:
  // they hold no state and are reused).
  const unregisters: (() => void)[] = [];

  if (!joined.traces) {
    const exporters = [...(sqlite.traces ? [new SqliteSpanExporter(storage)] : []), ...(options.spanExporters ?? [])];
    const provider = new BasicTracerProvider({
      resource,
      // Trace ids that grow with time keep inserts into the trace-id index sequential.
      idGenerator: new TimeOrderedIdGenerator(),
      spanLimits: { attributeValueLengthLimit: valueLengthLimits.spans },
      spanProcessors: [
        // Before the others: it tags framework spans while they end, so all of them see the tags.
        new FrameworkSpanProcessor(),
        recentOperations,
        ...(options.spanProcessors ?? []),
        // A short delay: people watch `transcriber performance --live` while the app runs. The
        // provider's forceFlush() resolves once the spans are written (durableFlush).
        ...exporters.map((e) =>
          durableFlush(new BatchSpanProcessor(e, { scheduledDelayMillis: 1000, maxQueueSize: 8192 }), e),
        ),
      ],
    });
    registerTracerProvider(provider, joined);
    flushes.push(() => provider.forceFlush());
    shutdowns.push(() => provider.shutdown());
    unregisters.push(() => trace.disable());
  } else {
    diag.info(
      'transcriber: joining the tracer provider the app registered; add SqliteSpanExporter to it to keep spans in SQLite (its batch processor wrapped in durableFlush, for a forceFlush that waits for the rows; TimeOrderedIdGenerator as its idGenerator: cheaper inserts)',
    );
  }

  // One resource sample every monitoringInterval, each written within a second (the metric export,
  // every metricExportInterval, would keep one in ten at the defaults).
  const resources = config.enableMonitoring ? new ResourceSampler() : undefined;
  const snapshots =
    resources !== undefined && sqlite.metrics ? new SqliteResourceSnapshotExporter(storage, resource) : undefined;

  if (!joined.metrics) {
    const readers: IMetricReader[] = [
      ...(sqlite.metrics
        ? [
            new PeriodicExportingMetricReader({
              exporter: new SqliteMetricExporter({ ...storage, resourceSnapshots: snapshots === undefined }),
              exportIntervalMillis: Math.round(config.metricExportInterval * 1000),
            }),
          ]
        : []),
      ...(options.metricReaders ?? []),
    ];
    const provider = new MeterProvider({ resource, readers });
    metrics.setGlobalMeterProvider(provider);
    flushes.push(() => provider.forceFlush());
    shutdowns.push(() => provider.shutdown());
    unregisters.push(() => metrics.disable());
  }

  // After the meter provider, on which its gauges register.
  resources?.start(
    config.monitoringInterval,
    snapshots && ((sample) => snapshots.export(gaugeValues(sample), sample.timeMs)),
  );
  if (snapshots !== undefined) shutdowns.push(() => snapshots.shutdown());

  if (!joined.logs) {
    const exporters = [...(sqlite.logs ? [new SqliteLogRecordExporter(storage)] : []), ...(options.logExporters ?? [])];
    const provider = new LazyLoggerProvider(resource, exporters, valueLengthLimits.logRecords);
    logs.setGlobalLoggerProvider(provider);
    flushes.push(() => provider.forceFlush());
    shutdowns.push(() => provider.shutdown());
    unregisters.push(() => logs.disable());
  }

  let stopped: Promise<void> | undefined;
  const telemetry: Telemetry = {
    config,
    resource,
    recentOperations,
    joined,
    resources,
    async forceFlush() {
      await settleAll(flushes);
    },
    shutdown() {
      stopped ??= (async () => {
        resources?.finalSample();
        await settleAll(flushes);
        await settleAll(shutdowns);
        resources?.stop();
        for (const unregister of unregisters) unregister();
        delete holder[ACTIVE_KEY];
      })();
      return stopped;
    },
  };
  const entry = { telemetry, users: 1 };
  holder[ACTIVE_KEY] = entry;
  return sharedHandle(entry);
}

/** A per-caller view: its `shutdown` only stops the SDK when it is the last user. */
function sharedHandle(entry: { telemetry: Telemetry; users: number }): Telemetry {
  let released = false;
  return {
    ...entry.telemetry,
    forceFlush: () => entry.telemetry.forceFlush(),
    async shutdown() {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0) await entry.telemetry.shutdown();
      else await entry.telemetry.forceFlush();
    },
  };
}

async function settleAll(steps: (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(steps.map((step) => step()));
  // Through the SDK's global error handler, like the SDK's own export failures (the preload
  // replaces it to report each kind of failure once).
  for (const r of results) if (r.status === 'rejected') globalErrorHandler(r.reason);
}

/**
 * What NodeTracerProvider.register() does (global provider, AsyncLocalStorage context, W3C trace
 * context and baggage propagation), done here because @opentelemetry/sdk-trace-node pins exact
 * versions and so brings a second copy of core, resources and sdk-trace-base: ~80 more modules to
 * load in every process that starts telemetry (see docs/performance.md, "Preload"). A context
 * manager or propagator already installed is kept (the API refuses a second one).
 */
function registerTracerProvider(provider: BasicTracerProvider, joined: RegisteredProviders): void {
  trace.setGlobalTracerProvider(provider);
  if (!joined.context) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (!joined.propagation) {
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }
}

function defaultServiceName(): string {
  const main = process.argv[1];
  return main ? `node:${main.split(/[\\/]/).pop()}` : 'unknown_service:node';
}

/** The limits from the environment; a bad value is reported, never thrown into the app. */
function valueLengthLimitsOrDefaults() {
  try {
    return attributeValueLengthLimits();
  } catch (err) {
    diag.warn(`transcriber: ${(err as Error).message}; using the default limits`);
    return attributeValueLengthLimits({});
  }
}
