import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  OperationHandle,
  timeOperation,
} from '@transcriber/instrumentation';
import { busyWait, counterValue, histogramPoint, installOtel, resetOtel, sleep, type TestOtel } from './helpers/otel';

const TTS = { [ATTR_COMPONENT]: 'tts', [ATTR_OPERATION]: 'synthesize' };

let otel: TestOtel;

beforeEach(() => {
  otel = installOtel();
});

afterEach(() => {
  resetOtel();
});

describe('OperationHandle from timeOperation(component, operation)', () => {
  it('is started by timeOperation and ended by end(): span, histogram and counter', async () => {
    const op = timeOperation('tts', 'synthesize');
    expect(op).toBeInstanceOf(OperationHandle);
    expect(op.component).toBe('tts');
    expect(op.operation).toBe('synthesize');
    expect(op.span.isRecording()).toBe(true);
    busyWait(20);
    expect(op.elapsedMs()).toBeGreaterThanOrEqual(19);
    expect(otel.spans()).toHaveLength(0);
    op.end();

    const span = otel.span('tts.synthesize');
    expect(span.attributes).toEqual(TTS);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const all = await otel.collect();
    const histogram = histogramPoint(all, METRIC_OPERATION_DURATION, TTS);
    expect(histogram.count).toBe(1);
    expect(histogram.sum).toBeGreaterThanOrEqual(0.019);
    expect(histogram.sum).toBeLessThan(1);
    expect(counterValue(all, METRIC_OPERATIONS, TTS)).toBe(1);
  });

  it('records a failure given to end(error)', async () => {
    const op = timeOperation('tts', 'synthesize');
    op.end(new SyntaxError('bad SSML'));

    const span = otel.span('tts.synthesize');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SyntaxError' });
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('SyntaxError');
    const all = await otel.collect();
    expect(counterValue(all, METRIC_OPERATION_ERRORS, { ...TTS, [ATTR_ERROR_TYPE]: 'SyntaxError' })).toBe(1);
  });

  it('counts only the first end(): later calls, with or without an error, do nothing', async () => {
    const op = timeOperation('tts', 'synthesize');
    op.end();
    op.end();
    op.end(new Error('too late'));
    op[Symbol.dispose]();

    expect(otel.spans()).toHaveLength(1);
    expect(otel.span('tts.synthesize').status.code).toBe(SpanStatusCode.UNSET);
    const all = await otel.collect();
    expect(counterValue(all, METRIC_OPERATIONS, TTS)).toBe(1);
    expect(histogramPoint(all, METRIC_OPERATION_DURATION, TTS).count).toBe(1);
    expect(all.find((m) => m.descriptor.name === METRIC_OPERATION_ERRORS)?.dataPoints ?? []).toEqual([]);
  });

  it('ends at the end of a `using` block', () => {
    let spansInside = -1;
    {
      using op = timeOperation('tts', 'synthesize');
      op.mark('first_byte');
      spansInside = otel.spans().length;
    }
    expect(spansInside).toBe(0);
    const span = otel.span('tts.synthesize');
    expect(span.ended).toBe(true);
    expect(span.events.map((e) => e.name)).toEqual(['first_byte']);
  });

  it('ends at the end of a `using` block left by a throw (the error is not recorded: dispose has no error)', () => {
    const error = new Error('inside');
    expect(() => {
      using _op = timeOperation('tts', 'synthesize');
      throw error;
    }).toThrow(error);
    expect(otel.span('tts.synthesize').ended).toBe(true);
    expect(otel.span('tts.synthesize').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends at the end of a `using` block in an async function, after the awaits', async () => {
    const work = async () => {
      using op = timeOperation('tts', 'synthesize');
      await sleep(30);
      op.mark('done');
    };
    await work();
    const span = otel.span('tts.synthesize');
    const [seconds, nanos] = span.duration;
    expect(seconds + nanos / 1e9).toBeGreaterThanOrEqual(0.025);
    expect(span.events.map((e) => e.name)).toEqual(['done']);
  });

  it('mark() adds span events with attributes and timestamps, and is ignored after end()', () => {
    const op = timeOperation('llm', 'complete');
    op.mark('request_sent');
    op.mark('first_token', { 'gen_ai.usage.output_tokens': 1 });
    op.end();
    op.mark('after_end');

    const span = otel.span('llm.complete');
    expect(span.events.map((e) => e.name)).toEqual(['request_sent', 'first_token']);
    expect(span.events[1].attributes).toEqual({ 'gen_ai.usage.output_tokens': 1 });
    expect(span.events[0].time).toBeDefined();
  });

  it('run() makes the handle the parent of operations started inside, across awaits, and returns fn result', async () => {
    const turn = timeOperation('pipeline', 'turn');
    const value = turn.run(() => timeOperation('vad', 'detect', () => 'speech'));
    expect(value).toBe('speech');
    const promise = turn.run(async () => {
      await sleep(1);
      await timeOperation('stt', 'transcribe', async () => {
        await sleep(1);
        const nested = timeOperation('stt', 'decode');
        nested.end();
      });
      return 'text';
    });
    await expect(promise).resolves.toBe('text');
    turn.end();
    await sleep(0);

    const turnId = otel.span('pipeline.turn').spanContext().spanId;
    expect(otel.span('vad.detect').parentSpanContext?.spanId).toBe(turnId);
    expect(otel.span('stt.transcribe').parentSpanContext?.spanId).toBe(turnId);
    // A handle taken inside a fn-form operation is its child too.
    expect(otel.span('stt.decode').parentSpanContext?.spanId).toBe(otel.span('stt.transcribe').spanContext().spanId);
  });

  it('does not change the caller context: code after a handle is started is not its child', () => {
    const op = timeOperation('pipeline', 'turn');
    expect(trace.getActiveSpan()).toBeUndefined();
    timeOperation('vad', 'detect', () => undefined);
    op.end();
    expect(otel.span('vad.detect').parentSpanContext).toBeUndefined();
    expect(trace.getSpan(op.context)).toBe(op.span);
  });

  it('joins the context active when it was started', () => {
    const outer = timeOperation('pipeline', 'turn');
    const inner = context.with(outer.context, () => timeOperation('llm', 'complete'));
    inner.end();
    outer.end();
    expect(otel.span('llm.complete').parentSpanContext?.spanId).toBe(outer.span.spanContext().spanId);
  });
});
