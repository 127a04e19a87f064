import { spawnSync } from 'node:child_process';
import {
  context,
  diag,
  DiagLogLevel,
  metrics,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  ATTR_OPERATION_LOOP_IDLE,
  ComponentType,
  INSTRUMENTATION_SCOPE,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  OPERATION_DURATION_BUCKETS_S,
  OperationHandle,
  timeOperation,
} from '@transcriber/instrumentation';
import {
  busyWait,
  counterValue,
  histogramPoint,
  installContextManager,
  installOtel,
  metric,
  resetOtel,
  sleep,
  type TestOtel,
} from './helpers/otel';

const STT = { [ATTR_COMPONENT]: 'stt', [ATTR_OPERATION]: 'transcribe' };

let otel: TestOtel;

beforeEach(() => {
  otel = installOtel();
});

afterEach(() => {
  resetOtel();
});

describe('timeOperation(component, operation, fn): what is recorded', () => {
  it('records a span named <component>.<operation> with the component and operation attributes', () => {
    timeOperation(ComponentType.STT, 'transcribe', () => 'text');

    const span = otel.span('stt.transcribe');
    expect(span.attributes).toEqual(STT);
    expect(span.instrumentationScope.name).toBe(INSTRUMENTATION_SCOPE);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.ended).toBe(true);
  });

  it('records the duration in seconds on the histogram, with our unit and bucket boundaries', async () => {
    timeOperation(ComponentType.STT, 'transcribe', () => busyWait(30));

    const all = await otel.collect();
    const duration = metric(all, METRIC_OPERATION_DURATION);
    expect(duration.descriptor.unit).toBe('s');
    const histogram = histogramPoint(all, METRIC_OPERATION_DURATION, STT);
    expect(histogram.count).toBe(1);
    // 30 ms of work is ~0.03 s: seconds, not milliseconds.
    expect(histogram.sum).toBeGreaterThanOrEqual(0.029);
    expect(histogram.sum).toBeLessThan(1);
    expect(histogram.buckets.boundaries).toEqual([...OPERATION_DURATION_BUCKETS_S]);
    // The span measured the same work.
    const [seconds, nanos] = otel.span('stt.transcribe').duration;
    expect(seconds + nanos / 1e9).toBeGreaterThanOrEqual(0.029);
  });

  it('counts operations and no errors when every call succeeds', async () => {
    for (let i = 0; i < 3; i++) timeOperation('stt', 'transcribe', () => i);
    await timeOperation('stt', 'transcribe', async () => 'done');

    const all = await otel.collect();
    expect(counterValue(all, METRIC_OPERATIONS, STT)).toBe(4);
    expect(histogramPoint(all, METRIC_OPERATION_DURATION, STT).count).toBe(4);
    expect(all.find((m) => m.descriptor.name === METRIC_OPERATION_ERRORS)?.dataPoints ?? []).toEqual([]);
  });

  it('on a sync throw: span status ERROR with error.type, error counter, and the same error rethrown', async () => {
    const error = new RangeError('bad sample rate: secret user text');
    let caught: unknown;
    try {
      timeOperation('stt', 'transcribe', () => {
        throw error;
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(error);

    const span = otel.span('stt.transcribe');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RangeError' });
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('RangeError');
    // The message may carry user content: it is never recorded.
    expect(JSON.stringify(span.events)).not.toContain('secret');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0].attributes).toEqual({ 'exception.type': 'RangeError' });

    const failed = { ...STT, [ATTR_ERROR_TYPE]: 'RangeError' };
    const all = await otel.collect();
    expect(counterValue(all, METRIC_OPERATION_ERRORS, failed)).toBe(1);
    expect(counterValue(all, METRIC_OPERATIONS, failed)).toBe(1);
    expect(histogramPoint(all, METRIC_OPERATION_DURATION, failed).count).toBe(1);
  });

  it('on an async rejection: records the failure and the caller gets the same rejection', async () => {
    class ProviderTimeoutError extends Error {}
    const error = new ProviderTimeoutError('timed out');
    const promise = timeOperation('llm', 'complete', async () => {
      await sleep(1);
      throw error;
    });

    await expect(promise).rejects.toBe(error);
    await sleep(0);

    const span = otel.span('llm.complete');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('ProviderTimeoutError');
    const all = await otel.collect();
    const failed = { [ATTR_COMPONENT]: 'llm', [ATTR_OPERATION]: 'complete', [ATTR_ERROR_TYPE]: 'ProviderTimeoutError' };
    expect(counterValue(all, METRIC_OPERATION_ERRORS, failed)).toBe(1);
  });

  it('rethrows a thrown undefined as undefined, and records it as an Error', async () => {
    let caught: unknown = 'not thrown';
    try {
      timeOperation('tool', 'call', () => {
        throw undefined;
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeUndefined();
    expect(otel.span('tool.call').attributes[ATTR_ERROR_TYPE]).toBe('Error');

    await expect(timeOperation('tool', 'later', () => Promise.reject(undefined))).rejects.toBeUndefined();
    await sleep(0);
    expect(otel.span('tool.later').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('rethrows a thrown non-Error value unchanged and records error.type _OTHER', () => {
    expect(() =>
      timeOperation('tool', 'call', () => {
        throw 'a string';
      }),
    ).toThrow('a string');
    expect(otel.span('tool.call').attributes[ATTR_ERROR_TYPE]).toBe('_OTHER');
  });
});

describe('timeOperation(component, operation, fn): what is returned', () => {
  it('returns a sync result synchronously, as the value itself', () => {
    const value = { text: 'hello' };
    const result = timeOperation('stt', 'transcribe', () => value);
    expect(result).toBe(value);
    // Recorded before returning: nothing is left pending for a sync call.
    expect(otel.spans()).toHaveLength(1);
  });

  it('returns a promise settling with the value of the promise the function returned', async () => {
    const result = timeOperation('tts', 'synthesize', () => sleep(1).then(() => 42));
    expect(result).toBeInstanceOf(Promise);
    expect(otel.spans()).toHaveLength(0);
    await expect(result).resolves.toBe(42);
    expect(otel.span('tts.synthesize').ended).toBe(true);
  });

  it('leaves a rejection the app never handles unhandled (Node still reports it and exits 1)', () => {
    // A real process, so Node's own unhandled-rejection handling decides, not Jest's.
    const script = `
      const { timeOperation } = require(${JSON.stringify(require.resolve('../dist/index.js'))});
      timeOperation('llm', 'generate', async () => { throw new RangeError('never handled'); });
      setTimeout(() => console.log('still running'), 200);
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('RangeError: never handled');
    expect(run.stdout).not.toContain('still running');
  });

  it('ends an async operation when its promise settles, not when fn returns', async () => {
    await timeOperation('tts', 'synthesize', () => sleep(40));
    await sleep(0);
    const [seconds, nanos] = otel.span('tts.synthesize').duration;
    expect(seconds + nanos / 1e9).toBeGreaterThanOrEqual(0.035);
  });

  it('times a thenable that is not a native promise as a sync call, without calling then', () => {
    const thenable = { then: jest.fn() };
    const result = timeOperation('tool', 'query', () => thenable);
    expect(result).toBe(thenable);
    expect(thenable.then).not.toHaveBeenCalled();
    expect(otel.span('tool.query').ended).toBe(true);
  });

  it('passes the running operation to fn, whose marks become span events', () => {
    let seen: OperationHandle | undefined;
    timeOperation('llm', 'complete', (op) => {
      seen = op;
      op.mark('first_token', { 'gen_ai.usage.output_tokens': 1 });
      expect(op.component).toBe('llm');
      expect(op.operation).toBe('complete');
      expect(trace.getActiveSpan()).toBe(op.span);
    });
    expect(seen).toBeInstanceOf(OperationHandle);
    const span = otel.span('llm.complete');
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
      ['first_token', { 'gen_ai.usage.output_tokens': 1 }],
    ]);
  });
});

// Evidence for "does this operation compute or wait?" (the optimizer's advice rests on it).
describe('timeOperation: the event loop while an operation runs', () => {
  /**
   * Sleeps until the loop has been idle for at least `ms` since the call, read from the clock the
   * operations read (a fixed sleep is not enough: a Jest worker on a loaded machine can keep its
   * loop busy for all of a 60 ms wait); returns the idle ms seen.
   */
  async function waitForLoopIdle(ms: number): Promise<number> {
    const nodeTiming = (performance as unknown as { nodeTiming: { idleTime: number } }).nodeTiming;
    const start = nodeTiming.idleTime;
    while (nodeTiming.idleTime - start < ms) await sleep(10);
    return nodeTiming.idleTime - start;
  }

  const idleMs = (name: string) => {
    const idle = otel.span(name).attributes[ATTR_OPERATION_LOOP_IDLE];
    return idle === undefined ? undefined : (idle as number) * 1000;
  };

  it('records how long the loop was idle while an async operation waited', async () => {
    let seen = 0;
    await timeOperation('vad', 'listen', async () => {
      seen = await waitForLoopIdle(150);
    });
    await sleep(0);
    // At least the idle time the operation itself saw, and no more than it lasted.
    expect(idleMs('vad.listen')).toBeGreaterThanOrEqual(seen);
    const [seconds, nanos] = otel.span('vad.listen').duration;
    expect(idleMs('vad.listen')).toBeLessThanOrEqual(seconds * 1000 + nanos / 1e6);
  });

  it('records no idle time for an async operation that kept the loop busy', async () => {
    await timeOperation('stt', 'decode', async () => {
      await null;
      busyWait(60);
    });
    await sleep(0);
    expect(idleMs('stt.decode') ?? 0).toBeLessThan(5);
  });

  it('records nothing for a sync operation, which holds the loop from start to end', () => {
    timeOperation('vad', 'detect', () => busyWait(5));
    expect(idleMs('vad.detect')).toBeUndefined();
  });

  it('measures a handle from its start to its end', async () => {
    const handle = timeOperation('tool', 'lights');
    const seen = await waitForLoopIdle(30);
    handle.end();
    expect(idleMs('tool.lights')).toBeGreaterThanOrEqual(seen);
  });
});

describe('timeOperation(component, operation, fn): nesting', () => {
  it('makes operations started inside fn child spans, across awaits', async () => {
    await timeOperation('pipeline', 'turn', async () => {
      await timeOperation('stt', 'transcribe', async () => sleep(2));
      await sleep(2);
      await timeOperation('llm', 'complete', async () => {
        await sleep(1);
        timeOperation('tool', 'call', () => 'sync child of an async span');
      });
      await sleep(1);
      timeOperation('tts', 'synthesize', () => undefined);
    });
    await sleep(0);

    const turn = otel.span('pipeline.turn');
    const traceId = turn.spanContext().traceId;
    expect(turn.parentSpanContext).toBeUndefined();
    for (const name of ['stt.transcribe', 'llm.complete', 'tts.synthesize']) {
      expect(otel.span(name).parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      expect(otel.span(name).spanContext().traceId).toBe(traceId);
    }
    expect(otel.span('tool.call').parentSpanContext?.spanId).toBe(otel.span('llm.complete').spanContext().spanId);
  });

  it('keeps concurrent operations apart: each child goes to its own parent', async () => {
    const turn = (n: number) =>
      timeOperation('pipeline', `turn${n}`, async () => {
        await sleep(3 - n);
        await timeOperation('stt', `transcribe${n}`, () => sleep(n));
      });
    await Promise.all([turn(1), turn(2)]);
    await sleep(0);

    for (const n of [1, 2]) {
      const parent = otel.span(`pipeline.turn${n}`);
      const child = otel.span(`stt.transcribe${n}`);
      expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    }
    expect(otel.span('pipeline.turn1').spanContext().traceId).not.toBe(
      otel.span('pipeline.turn2').spanContext().traceId,
    );
  });

  it('joins the span that is active when it is called', () => {
    const outer = trace.getTracer('app').startSpan('app.request');
    context.with(trace.setSpan(context.active(), outer), () => {
      timeOperation('agent', 'respond', () => undefined);
    });
    outer.end();
    expect(otel.span('agent.respond').parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it('restores the caller context after fn, whether it returns or throws', () => {
    const before = context.active();
    timeOperation('vad', 'detect', () => undefined);
    expect(context.active()).toBe(before);
    expect(() =>
      timeOperation('vad', 'detect', () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(context.active()).toBe(before);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('timeOperation never throws into the app', () => {
  function captureDiag(): string[] {
    const messages: string[] = [];
    const log = (message: string) => messages.push(message);
    diag.setLogger({ error: log, warn: log, info: log, debug: log, verbose: log }, DiagLogLevel.ERROR);
    return messages;
  }

  it('runs fn and returns its result when the tracer provider throws on startSpan', async () => {
    resetOtel();
    installContextManager();
    const broken = (): never => {
      throw new Error('tracing SDK fault');
    };
    const brokenTracer = { startSpan: broken, startActiveSpan: broken } as unknown as Tracer;
    trace.setGlobalTracerProvider({ getTracer: () => brokenTracer });
    const messages = captureDiag();

    expect(timeOperation('stt', 'transcribe', () => 'still works')).toBe('still works');
    await expect(timeOperation('stt', 'transcribe', async () => 'async too')).resolves.toBe('async too');
    const handle = timeOperation('stt', 'transcribe');
    handle.mark('still fine');
    expect(() => handle.end()).not.toThrow();
    // The app's own error still reaches it, unchanged.
    const error = new Error('app error');
    expect(() =>
      timeOperation('stt', 'transcribe', () => {
        throw error;
      }),
    ).toThrow(error);
    expect(messages.some((m) => m.includes('starting a span failed'))).toBe(true);
  });

  it('runs fn and returns its result when the span and the instruments throw while recording', async () => {
    resetOtel();
    installContextManager();
    const broken = (): never => {
      throw new Error('SDK fault');
    };
    const brokenSpan = {
      spanContext: () => ({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }),
      setAttribute: broken,
      setAttributes: broken,
      addEvent: broken,
      addLink: broken,
      addLinks: broken,
      setStatus: broken,
      updateName: broken,
      end: broken,
      isRecording: () => true,
      recordException: broken,
    } as unknown as Span;
    trace.setGlobalTracerProvider({ getTracer: () => ({ startSpan: () => brokenSpan }) as unknown as Tracer });
    const brokenInstrument = { add: broken, record: broken };
    metrics.setGlobalMeterProvider({
      getMeter: () =>
        ({
          createHistogram: () => brokenInstrument,
          createCounter: () => brokenInstrument,
        }) as unknown as ReturnType<ReturnType<typeof metrics.getMeterProvider>['getMeter']>,
    });
    const messages = captureDiag();

    expect(timeOperation('stt', 'transcribe', () => 1)).toBe(1);
    await expect(timeOperation('stt', 'transcribe', async () => 2)).resolves.toBe(2);
    const error = new TypeError('app error');
    await expect(timeOperation('stt', 'transcribe', () => Promise.reject(error))).rejects.toBe(error);
    const handle = timeOperation('stt', 'transcribe');
    expect(() => handle.mark('m')).not.toThrow();
    expect(() => handle.end(new Error('e'))).not.toThrow();
    await sleep(0);
    expect(messages.filter((m) => m.includes('recording an operation failed')).length).toBeGreaterThanOrEqual(4);
    expect(messages.some((m) => m.includes('mark failed'))).toBe(true);
  });

  it('works with no SDK at all (API no-ops)', async () => {
    resetOtel();
    expect(timeOperation('stt', 'transcribe', () => 'x')).toBe('x');
    await expect(timeOperation('stt', 'transcribe', async () => 'y')).resolves.toBe('y');
    const handle = timeOperation('stt', 'transcribe');
    expect(handle.span.isRecording()).toBe(false);
    handle.end();
  });
});
