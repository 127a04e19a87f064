import { diag, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { derivedTurnAttributes, epochMsToHrTime, type DerivedTurn } from './derive/derivedTurn';
import { getOperationInstruments } from './instruments';
import { TURN_OPERATION } from './names';
import { operationKeyFor } from './operationKey';
import { recordTurnHistograms } from './voiceInstruments';
import { recordOperation } from './operationMetrics';

/**
 * Records a turn derived from a framework's spans (see the `frameworkSpans` entry) as if it had
 * been timed with `timeOperation('pipeline', 'turn')`: a `pipeline.turn` span with the framework's
 * own times and the turn's points as the span events our marks make, in the framework's trace under
 * its session span (or the span the turn was built around), and the operation's and the turn's
 * histograms. Never throws.
 */
export function recordDerivedTurn(turn: DerivedTurn): void {
  try {
    const key = operationKeyFor('pipeline', TURN_OPERATION);
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: turn.traceId,
      spanId: turn.parentSpanId ?? turn.anchor.spanId,
      traceFlags: TraceFlags.SAMPLED,
    });
    const span = getOperationInstruments().tracer.startSpan(
      key.spanName,
      { kind: SpanKind.INTERNAL, attributes: derivedTurnAttributes(turn), startTime: epochMsToHrTime(turn.startMs) },
      parent,
    );
    for (const mark of turn.marks) span.addEvent(mark.name, epochMsToHrTime(mark.timeMs));
    recordTurnHistograms(key.attributes, turn.figures);
    recordOperation(key.component, key.operation, Math.max(0, turn.endMs - turn.startMs) / 1000);
    span.end(epochMsToHrTime(turn.endMs));
  } catch (err) {
    diag.error('transcriber: recording a derived turn failed', err);
  }
}
