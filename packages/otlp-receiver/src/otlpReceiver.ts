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
import { ReceivedTurns } from './receivedTurns';
import { Rejections } from './rejections';

export interface OtlpReceiverOptions extends SqliteStorageOptions {
  dataDir: string;
  /** How spans from other programs get a component. Default: DEFAULT_COMPONENT_RULES. */
  componentRules?: readonly ComponentRule[];
  /**
   * Rows that may wait in memory for the databases; a request that would go past it is refused
   * (and retried by the sender) instead of anything already accepted being dropped. Default 100,000.
   */
  maxQueuedRows?: number;
}

/** What became of one request's items. */
export type ReceiveOutcome =
  | { kind: 'accepted'; accepted: number; rejected: number; message: string }
  /** The queue cannot take the items now: try again later. */
  | { kind: 'busy'; queued: number }
  /** More items than the queue can ever hold: send smaller batches. */
  | { kind: 'too-many'; items: number; limit: number }
  /** The receiver is shutting down. */
  | { kind: 'closed' };

/** Items per signal since the receiver started. */
export interface ItemCounts {
  spans: { accepted: number; rejected: number };
  /** `baselines`: cumulative points kept only as a series' starting value (see CumulativeToDelta). */
  metricPoints: { accepted: number; rejected: number; baselines: number };
  logRecords: { accepted: number; rejected: number };
  /** Voice turns derived from received framework spans (LiveKit, Pipecat) and stored with them. */
  turnsDerived: number;
}

const DEFAULT_MAX_QUEUED_ROWS = 100_000;
const ITEM_NAMES: Record<OtlpSignal, string> = { traces: 'spans', metrics: 'data points', logs: 'log records' };

/**
 * Turns OTLP export requests into rows, through the same exporters the in-process SDK uses:
 * decodes the body (protobuf or JSON), gives foreign spans a component by the rules, turns
 * cumulative metrics into deltas, keeps only our events among log records, and hands the rest to
 * SqliteSpanExporter / SqliteMetricExporter / SqliteLogRecordExporter. Admission is decided before
 * anything is handed over, so an accepted request is never dropped by the writers' queue bound.
 */
export class OtlpReceiver {
  readonly counts: ItemCounts = {
    spans: { accepted: 0, rejected: 0 },
    metricPoints: { accepted: 0, rejected: 0, baselines: 0 },
    logRecords: { accepted: 0, rejected: 0 },
    turnsDerived: 0,
  };
  private readonly storage: SqliteStorage;
  private readonly spans: SqliteSpanExporter;
  private readonly metrics: SqliteMetricExporter;
  private readonly logs: SqliteLogRecordExporter;
  private readonly mapper: ComponentMapper;
  private readonly deltas: CumulativeToDelta;
  private readonly turns = new ReceivedTurns();
  private readonly maxQueuedRows: number;
  private shutDown = false;

  constructor(options: OtlpReceiverOptions) {
    this.maxQueuedRows = options.maxQueuedRows ?? DEFAULT_MAX_QUEUED_ROWS;
    // The writers' own bound (beyond which they drop the oldest rows) must not be below admission's,
    // with room for the turns of exchanges still open: a request counts the turns it may complete
    // (see admit), but a turn whose user turn came in an earlier request is a row it did not count.
    const storageOptions = {
      ...options,
      maxPendingRows: Math.max(this.maxQueuedRows + this.turns.maxOpenExchanges, options.maxPendingRows ?? 0),
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

  /** Whether there is room for anything at all: false when the queue is full. */
  get hasRoom(): boolean {
    return this.storage.rowsPending < this.maxQueuedRows;
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
        const spans =
          encoding === 'json' ? decodeTraceRequestJson(body, rejections) : decodeTraceRequestProtobuf(body, rejections);
        const refused = this.admit(spans.length + ReceivedTurns.possibleTurns(spans));
        if (refused !== undefined) return refused;
        this.mapper.apply(spans);
        addAiSdkFigures(spans);
        // Turns only from admitted requests: a refused one is sent again, and would count twice.
        const turns = this.turns.take(spans);
        this.counts.turnsDerived += turns.length;
        if (spans.length > 0 || turns.length > 0)
          this.spans.export(turns.length === 0 ? spans : [...spans, ...turns], expectSuccess);
        return this.accepted('traces', this.counts.spans, spans.length, rejections);
      }
      case 'metrics': {
        const decoded =
          encoding === 'json'
            ? decodeMetricsRequestJson(body, rejections)
            : decodeMetricsRequestProtobuf(body, rejections);
        // Admission comes before the delta state changes: a refused request is sent again as it was.
        const refused = this.admit(decoded.points);
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
        this.counts.metricPoints.baselines += result.baselines;
        return this.accepted('metrics', this.counts.metricPoints, stored + result.baselines, rejections);
      }
      case 'logs': {
        const now = nowHrTime();
        const all = encoding === 'json' ? decodeLogsRequestJson(body, now) : decodeLogsRequestProtobuf(body, now);
        const events = all.filter(
          (record) => record.eventName !== undefined && Object.hasOwn(EVENT_DATABASES, record.eventName),
        );
        const refused = this.admit(events.length);
        if (refused !== undefined) return refused;
        rejections.add(
          'not a transcriber event (only profile, benchmark and optimization events are stored)',
          all.length - events.length,
        );
        if (events.length > 0) this.logs.export(events, expectSuccess);
        return this.accepted('logs', this.counts.logRecords, events.length, rejections);
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
    const open = this.turns.flush();
    this.counts.turnsDerived += open.length;
    if (open.length > 0) this.spans.export(open, expectSuccess);
    await this.flush();
    await Promise.all([this.spans.shutdown(), this.metrics.shutdown(), this.logs.shutdown()]);
    // The last release closes the writers, which write anything still queued synchronously.
    this.storage.release();
  }

  private admit(items: number): ReceiveOutcome | undefined {
    if (items > this.maxQueuedRows) return { kind: 'too-many', items, limit: this.maxQueuedRows };
    const queued = this.storage.rowsPending;
    return queued + items > this.maxQueuedRows ? { kind: 'busy', queued } : undefined;
  }

  private accepted(
    signal: OtlpSignal,
    counts: { accepted: number; rejected: number },
    accepted: number,
    rejections: Rejections,
  ): ReceiveOutcome {
    counts.accepted += accepted;
    counts.rejected += rejections.count;
    return { kind: 'accepted', accepted, rejected: rejections.count, message: rejections.message(ITEM_NAMES[signal]) };
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
