import type { AnyValueMap } from '@opentelemetry/api-logs';
import {
  EVENT_ATTR,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  OPTIMIZATION_ATTR,
} from '@transcriber/instrumentation';
import { createEventEmitter, type EventEmitter } from '@transcriber/storage/events';
import type { Basis } from '../figure';
import type { Recommendation } from '../recommendations/recommendation';

/** An optimization that was carried out (or measured), as logged. */
export interface OptimizationAction {
  /** `memory`, `audio_processing`, ... */
  kind: string;
  component?: string;
  description: string;
  before: unknown;
  after: unknown;
  /** Human-readable figure, e.g. `freed 63.2 MiB (heap + external)`. */
  improvement: string;
  improvementBasis: Basis;
  success: boolean;
  details?: unknown;
}

/**
 * Emits optimization actions and recommendations as OTel events, which the SQLite exporter stores
 * in `optimization_logs.db`. The emitter is made at the first event, so an SDK started after the
 * optimizer was made is still used; used on its own, it writes through a private provider.
 */
export class OptimizationEventLog {
  private readonly dataDir: string;
  private emitter: EventEmitter | undefined;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  action(action: OptimizationAction): void {
    const attributes: AnyValueMap = {
      [OPTIMIZATION_ATTR.KIND]: action.kind,
      [OPTIMIZATION_ATTR.DESCRIPTION]: action.description,
      [OPTIMIZATION_ATTR.BEFORE]: JSON.stringify(action.before),
      [OPTIMIZATION_ATTR.AFTER]: JSON.stringify(action.after),
      [OPTIMIZATION_ATTR.IMPROVEMENT]: action.improvement,
      [OPTIMIZATION_ATTR.IMPROVEMENT_BASIS]: action.improvementBasis,
      [OPTIMIZATION_ATTR.SUCCESS]: action.success,
    };
    if (action.component !== undefined) attributes[EVENT_ATTR.COMPONENT] = action.component;
    if (action.details !== undefined) attributes[EVENT_ATTR.DETAILS] = JSON.stringify(action.details);
    this.emit(EVENT_OPTIMIZATION_ACTION, attributes);
  }

  recommendation(recommendation: Recommendation): void {
    this.emit(EVENT_OPTIMIZATION_RECOMMENDATION, {
      [EVENT_ATTR.COMPONENT]: recommendation.component,
      [OPTIMIZATION_ATTR.RECOMMENDATION_ID]: recommendation.id,
      [OPTIMIZATION_ATTR.KIND]: recommendation.kind,
      [OPTIMIZATION_ATTR.PRIORITY]: recommendation.priority,
      [OPTIMIZATION_ATTR.DESCRIPTION]: recommendation.description,
      [OPTIMIZATION_ATTR.IMPROVEMENT]: recommendation.expectedImprovement,
      [OPTIMIZATION_ATTR.IMPROVEMENT_BASIS]: recommendation.improvementBasis,
      [OPTIMIZATION_ATTR.EVIDENCE]: JSON.stringify(recommendation.evidence),
    });
  }

  /** Resolves when everything emitted so far is stored. */
  async flush(): Promise<void> {
    await this.emitter?.flush();
  }

  /** Flushes and lets go of the emitter (a later event makes a new one). */
  async shutdown(): Promise<void> {
    const emitter = this.emitter;
    this.emitter = undefined;
    if (emitter === undefined) return;
    await emitter.flush();
    await emitter.shutdown();
  }

  private emit(eventName: string, attributes: AnyValueMap): void {
    this.emitter ??= createEventEmitter({ dataDir: this.dataDir });
    this.emitter.emit(eventName, attributes);
  }
}
