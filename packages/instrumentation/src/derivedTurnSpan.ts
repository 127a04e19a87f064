import { diag, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type HrTime } from '@opentelemetry/api';
import { derivedTurnAttributes, type DerivedTurn } from './derive/derivedTurn';
import { getOperationInstruments } from './instruments';
import { TURN_OPERATION } from './names';
import { operationKeyFor } from './operationKey';
import { recordOperation } from './operationMetrics';
import { recordTurnHistograms } from './turnRecording';

/**
 * Records a turn derived from a framework's spans (see the `turnDerivation` entry) as if it had
 * been timed with `timeOperation('pipeline', 'turn')`: a `pipeline.turn` span with the framework's
 * own times, in the framework's trace under its session span (or the span the turn was built
 * around), and the operation's and the turn's histograms. Never throws.
 */
export function recordDerivedTurn(turn: DerivedTurn): void {
  try {
    const key = operationKeyFor('pipeline', TURN_OPERATION);
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: turn.traceId,
      spanId: turn.parentSpanId ?? turn.anchorSpanId,
      traceFlags: TraceFlags.SAMPLED,
    });
    const span = getOperationInstruments().tracer.startSpan(
      key.spanName,
      { kind: SpanKind.INTERNAL, attributes: derivedTurnAttributes(turn), startTime: hrTimeOf(turn.startMs) },
      parent,
    );
    recordTurnHistograms(key.attributes, turn.figures);
    recordOperation(key.component, key.operation, Math.max(0, turn.endMs - turn.startMs) / 1000);
    span.end(hrTimeOf(turn.endMs));
  } catch (err) {
    diag.error('transcriber: recording a derived turn failed', err);
  }
}

/** Epoch milliseconds (fractional) → HrTime. */
function hrTimeOf(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  const nanos = Math.min(999_999_999, Math.round((epochMs - seconds * 1000) * 1e6));
  return [seconds, nanos];
}
