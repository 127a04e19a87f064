import type { HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  EVENT_DATABASES,
  SqliteLogRecordExporter,
  SqliteMetricExporter,
  SqliteSpanExporter,
  SqliteStorage,
  type SqliteStorageOptions,
  type StorageFault,
} from '@transcriber/storage';
import {
  DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  DEFAULT_EVENT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
} from '@transcriber/instrumentation/names';
import { addAiSdkFigures } from './aiSdkFigures';
import { ComponentMapper, type ComponentRule } from './componentRules';
import { CumulativeToDelta, type DeltaResult } from './cumulativeToDelta';
import { DEFAULT_COMPONENT_RULES } from './defaultComponentRules';
import { decodeLogsRequestJson } from './jsonLogs';
import { decodeMetricsRequestJson } from './jsonMetrics';
import { decodeTraceRequestJson } from './jsonTraces';
import type { OtlpEncoding, OtlpSignal } from './otlpResponses';
import { decodeLogsRequestProtobuf } from './protobufLogs';
import { decodeMetricsRequestProtobuf } from './protobufMetrics';
import { decodeTraceRequestProtobuf } from './protobufTraces';
import { QueuedBytes } from './queuedBytes';
import { ReceivedTurns } from './receivedTurns';
import { Rejections } from './rejections';
import { ValueLimits } from './valueLimits';

export interface OtlpReceiverOptions extends SqliteStorageOptions {
  dataDir: string;
  /** How spans from other programs get a component. Default: DEFAULT_COMPONENT_RULES. */
  componentRules?: readonly ComponentRule[];
  /**
   * Rows that may wait in memory for the databases; a request that would go past it is refused
   * (and retried by the sender) instead of anything already accepted being dropped. Default 100,000.
   */
  maxQueuedRows?: number;
  /**
   * Bytes the rows of accepted requests may take while they wait (estimated by their decoded
   * bodies' size); a request that would go past it is refused like one past `maxQueuedRows`.
   * Default 64 MiB.
   */
  maxQueuedBytes?: number;
  /**
   * Longest string kept (UTF-16 code units, as the OTel JS SDK counts): longer attribute values,
   * keys and names are cut, and counted. By signal; see DEFAULT_VALUE_LENGTH_LIMITS.
   */
  valueLengthLimits?: Partial<ValueLengthLimits>;
  /**
   * Derive voice turns from the frameworks' spans received (LiveKit, Pipecat; see ReceivedTurns).
   * Default true; false stores the spans only (what a second receiver of the same spans would do).
   */
  deriveTurns?: boolean;
}

/** Longest strings kept, by signal (see `OtlpReceiverOptions.valueLengthLimits`). */
export interface ValueLengthLimits {
  spans: number;
  metricPoints: number;
  /** Our events: whole JSON documents (call graphs, samples) a cut would make unreadable. */
  logRecords: number;
}

/**
 * The defaults of @transcriber/instrumentation/names: 4,096 characters for spans and metric points,
 * 1 MiB for our events. OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT and the per-signal variables override
 * them (read by the CLI through `attributeValueLengthLimits` in @transcriber/node/config).
 */
export const DEFAULT_VALUE_LENGTH_LIMITS: ValueLengthLimits = {
  spans: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  metricPoints: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  logRecords: DEFAULT_EVENT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
};

/** What became of one request's items. */
export type ReceiveOutcome =
  | { kind: 'accepted'; accepted: number; rejected: number; message: string }
  /** The queue cannot take the items now: try again later. `queued`: what waits, e.g. `120 rows`. */
  | { kind: 'busy'; queued: string }
  /** More than the queue can ever hold: send smaller batches. e.g. `items`: `101 items`, `limit`: `100`. */
  | { kind: 'too-many'; items: string; limit: string }
  /** The receiver is shutting down. */
  | { kind: 'closed' };

/** Items per signal since the receiver started. */
export interface ItemCounts {
  spans: { accepted: number; rejected: number };
  /** `baselines`: cumulative points kept only as a series' starting value (see CumulativeToDelta). */
  metricPoints: { accepted: number; rejected: number; baselines: number };
  logRecords: { accepted: number; rejected: number };
  /** Strings cut to the length limits, and nested values dropped for their depth (items kept). */
  values: { cut: number; tooDeep: number };
  /** Voice turns derived from received framework spans (LiveKit, Pipecat) and stored with them. */
  turnsDerived: number;
}

const DEFAULT_MAX_QUEUED_ROWS = 100_000;
const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const ITEM_NAMES: Record<OtlpSignal, string> = { traces: 'spans', metrics: 'data points', logs: 'log records' };

/**
 * Turns OTLP export requests into rows, through the same exporters the in-process SDK uses:
 * decodes the body (protobuf or JSON), gives foreign spans a component by the rules, derives the
 * voice turns of frameworks' spans (ReceivedTurns), turns cumulative metrics into deltas, keeps only our events among log records, and hands the rest to
 * SqliteSpanExporter / SqliteMetricExporter / SqliteLogRecordExporter. Admission is decided before
 * anything is handed over, so an accepted request is never dropped by the writers' queue bound.
 */
export class OtlpReceiver {
  readonly counts: ItemCounts = {
    spans: { accepted: 0, rejected: 0 },
    metricPoints: { accepted: 0, rejected: 0, baselines: 0 },
    logRecords: { accepted: 0, rejected: 0 },
    values: { cut: 0, tooDeep: 0 },
    turnsDerived: 0,
  };
  private readonly storage: SqliteStorage;
  private readonly spans: SqliteSpanExporter;
  private readonly metrics: SqliteMetricExporter;
  private readonly logs: SqliteLogRecordExporter;
  private readonly mapper: ComponentMapper;
  private readonly deltas: CumulativeToDelta;
  private readonly turns: ReceivedTurns | undefined;
  private readonly maxQueuedRows: number;
  private readonly maxQueuedBytes: number;
  private readonly queuedBytes = new QueuedBytes();
  private readonly lengthLimits: ValueLengthLimits;
  private shutDown = false;

  constructor(options: OtlpReceiverOptions) {
    this.maxQueuedRows = options.maxQueuedRows ?? DEFAULT_MAX_QUEUED_ROWS;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.lengthLimits = { ...DEFAULT_VALUE_LENGTH_LIMITS, ...options.valueLengthLimits };
    this.turns = options.deriveTurns === false ? undefined : new ReceivedTurns();
    // The writers' own bound (beyond which they drop the oldest rows) must not be below admission's,
    // with room for the turns of exchanges still open: a request counts the turns it may complete
    // (see `receive`), but a turn whose user turn came in an earlier request is a row it did not count.
    const storageOptions = {
      ...options,
      maxPendingRows: Math.max(this.maxQueuedRows + (this.turns?.maxOpenExchanges ?? 0), options.maxPendingRows ?? 0),
    };
    this.storage = SqliteStorage.acquire(options.dataDir, storageOptions);
    this.spans = new SqliteSpanExporter(storageOptions);
    this.metrics = new SqliteMetricExporter(storageOptions);
    this.logs = new SqliteLogRecordExporter(storageOptions);
    this.mapper = new ComponentMapper(options.componentRules ?? DEFAULT_COMPONENT_RULES);
    this.deltas = new CumulativeToDelta(nowHrTime());
  }

  /** Rows waiting in memory for the databases. */
  get rowsQueued(): number {
    return this.storage.rowsPending;
  }

  /** The storage fault the databases are in, if any (rows are then kept, not written). */
  get storageFault(): StorageFault | undefined {
    return this.storage.currentFault;
  }

  /** Estimated bytes of the rows waiting in memory (see QueuedBytes). */
  get bytesQueued(): number {
    return this.queuedBytes.current(this.storage.rowsPending);
  }

  /** Whether there is room for anything at all: false when the queue is full. */
  get hasRoom(): boolean {
    return this.storage.rowsPending < this.maxQueuedRows && this.bytesQueued < this.maxQueuedBytes;
  }

  /**
   * Decodes one request body and hands its items to the exporters. Throws OtlpDecodeError for a
   * malformed body (nothing of it is kept).
   */
  receive(signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer): ReceiveOutcome {
    if (this.shutDown) return { kind: 'closed' };
    const rejections = new Rejections();
    switch (signal) {
      case 'traces': {
        const limits = new ValueLimits(this.lengthLimits.spans);
        const spans =
          encoding === 'json'
            ? decodeTraceRequestJson(body, rejections, limits)
            : decodeTraceRequestProtobuf(body, rejections, limits);
        const possibleTurns = this.turns === undefined ? 0 : ReceivedTurns.possibleTurns(spans);
        const refused = this.admit(spans.length + possibleTurns, body.length - limits.droppedBytes);
        if (refused !== undefined) return refused;
        this.mapper.apply(spans);
        addAiSdkFigures(spans);
        // Turns only from admitted requests: a refused one is sent again, and would count twice.
        const turns = this.turns?.take(spans) ?? [];
        this.counts.turnsDerived += turns.length;
        if (spans.length > 0 || turns.length > 0)
          this.spans.export(turns.length === 0 ? spans : [...spans, ...turns], expectSuccess);
        this.queuedBytes.add(spans.length + turns.length, body.length - limits.droppedBytes);
        return this.accepted('traces', this.counts.spans, spans.length, rejections, limits);
      }
      case 'metrics': {
        const limits = new ValueLimits(this.lengthLimits.metricPoints);
        const decoded =
          encoding === 'json'
            ? decodeMetricsRequestJson(body, rejections, limits)
            : decodeMetricsRequestProtobuf(body, rejections, limits);
        // Admission comes before the delta state changes: a refused request is sent again as it was.
        const refused = this.admit(decoded.points, body.length - limits.droppedBytes);
        if (refused !== undefined) return refused;
        const result: DeltaResult = { baselines: 0 };
        let stored = 0;
        for (const input of decoded.resourceMetrics) {
          const resourceMetrics: ResourceMetrics = this.deltas.convert(input, rejections, result);
          if (resourceMetrics.scopeMetrics.length === 0) continue;
          for (const scope of resourceMetrics.scopeMetrics)
            for (const metric of scope.metrics) stored += metric.dataPoints.length;
          this.metrics.export(resourceMetrics, expectSuccess);
        }
        this.queuedBytes.add(stored, body.length - limits.droppedBytes);
        this.counts.metricPoints.baselines += result.baselines;
        return this.accepted('metrics', this.counts.metricPoints, stored + result.baselines, rejections, limits);
      }
      case 'logs': {
        const now = nowHrTime();
        const limits = new ValueLimits(this.lengthLimits.logRecords);
        const all =
          encoding === 'json' ? decodeLogsRequestJson(body, now, limits) : decodeLogsRequestProtobuf(body, now, limits);
        const events = all.filter(
          (record) => record.eventName !== undefined && Object.hasOwn(EVENT_DATABASES, record.eventName),
        );
        const refused = this.admit(events.length, body.length - limits.droppedBytes);
        if (refused !== undefined) return refused;
        rejections.add(
          'not a transcriber event (only profile, benchmark and optimization events are stored)',
          all.length - events.length,
        );
        if (events.length > 0) this.logs.export(events, expectSuccess);
        this.queuedBytes.add(events.length, body.length - limits.droppedBytes);
        return this.accepted('logs', this.counts.logRecords, events.length, rejections, limits);
      }
    }
  }

  /** Resolves when everything handed to the exporters is written (or waits on a storage fault's retry). */
  async flush(): Promise<void> {
    await Promise.all([this.spans.forceFlush(), this.metrics.forceFlush(), this.logs.forceFlush()]);
  }

  /** Writes what is queued and closes the databases; later requests are refused. */
  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    // Exchanges still waiting for their answer are stored as they are (no voice-to-voice).
    const open = this.turns?.flush() ?? [];
    this.counts.turnsDerived += open.length;
    if (open.length > 0) this.spans.export(open, expectSuccess);
    await this.flush();
    await Promise.all([this.spans.shutdown(), this.metrics.shutdown(), this.logs.shutdown()]);
    // The last release closes the writers, which write anything still queued synchronously.
    this.storage.release();
  }

  /** Whether `items` rows taking about `bytes` (the body less what was cut) fit in the queue, by count and by bytes. */
  private admit(items: number, bytes: number): ReceiveOutcome | undefined {
    if (items > this.maxQueuedRows)
      return { kind: 'too-many', items: `${items} items`, limit: String(this.maxQueuedRows) };
    if (items > 0 && bytes > this.maxQueuedBytes)
      return { kind: 'too-many', items: `${bytes} bytes`, limit: `${this.maxQueuedBytes} bytes` };
    const queued = this.storage.rowsPending;
    if (queued + items > this.maxQueuedRows) return { kind: 'busy', queued: `${queued} rows` };
    const queuedBytes = this.queuedBytes.current(queued);
    if (items > 0 && queuedBytes + bytes > this.maxQueuedBytes)
      return { kind: 'busy', queued: `${queuedBytes} bytes of rows` };
    return undefined;
  }

  private accepted(
    signal: OtlpSignal,
    counts: { accepted: number; rejected: number },
    accepted: number,
    rejections: Rejections,
    limits: ValueLimits,
  ): ReceiveOutcome {
    counts.accepted += accepted;
    counts.rejected += rejections.count;
    this.counts.values.cut += limits.cut;
    this.counts.values.tooDeep += limits.tooDeep;
    // A warning with nothing rejected is allowed by the OTLP spec (partial_success with rejected 0).
    const message = [rejections.message(ITEM_NAMES[signal]), limits.message()].filter((m) => m !== '').join('; ');
    return { kind: 'accepted', accepted, rejected: rejections.count, message };
  }
}

function expectSuccess(result: ExportResult): void {
  // The exporters only fail once shut down, which `receive` checks first; a failure here is a bug.
  if (result.code !== ExportResultCode.SUCCESS) throw result.error ?? new Error('export failed');
}

function nowHrTime(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}
