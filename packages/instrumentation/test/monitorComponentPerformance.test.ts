import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  ComponentType,
  METRIC_OPERATIONS,
  monitorComponentPerformance,
  setOperationProfiler,
  timeOperation,
  type OperationProfiler,
} from '@transcriber/instrumentation';
import { counterValue, installOtel, resetOtel, sleep, type TestOtel } from './helpers/otel';

/** A small real profiler: measures each profiled call and keeps what it saw. */
class RecordingProfiler implements OperationProfiler {
  readonly calls: { component: string; operation: string; activeSpan: string | undefined }[] = [];
  readonly durationsMs: number[] = [];

  profile<T>(component: string, operation: string, fn: () => T): T {
    const active = trace.getActiveSpan() as unknown as { name?: string } | undefined;
    this.calls.push({ component, operation, activeSpan: active?.name });
    const start = performance.now();
    const result = fn();
    if (result instanceof Promise) {
      result.then(
        () => this.durationsMs.push(performance.now() - start),
        () => this.durationsMs.push(performance.now() - start),
      );
    } else {
      this.durationsMs.push(performance.now() - start);
    }
    return result;
  }
}

class SpeechToText {
  readonly language = 'en';
  seen: unknown[] = [];

  @monitorComponentPerformance(ComponentType.STT, 'transcribe')
  transcribe(audio: string, rate: number): string {
    this.seen.push(audio, rate);
    return `${this.language}:${audio}@${rate}`;
  }

  @monitorComponentPerformance(ComponentType.STT, 'stream')
  async stream(chunks: string[]): Promise<string> {
    await sleep(1);
    return chunks.join(' ') + ` (${this.language})`;
  }

  @monitorComponentPerformance(ComponentType.STT, 'fail')
  fail(error: unknown): never {
    throw error;
  }

  @monitorComponentPerformance(ComponentType.STT, 'failLater')
  async failLater(error: unknown): Promise<never> {
    await sleep(1);
    throw error;
  }

  @monitorComponentPerformance(ComponentType.STT, 'profiled', { enableProfiling: true })
  profiled(audio: string): string {
    return `${this.language}:${audio}`;
  }

  @monitorComponentPerformance(ComponentType.STT, 'profiledAsync', { enableProfiling: true })
  async profiledAsync(audio: string): Promise<string> {
    await sleep(5);
    return `${this.language}:${audio}`;
  }

  @monitorComponentPerformance(ComponentType.PIPELINE, 'turn')
  async turn(audio: string): Promise<string> {
    const text = this.transcribe(audio, 16000);
    await sleep(1);
    return timeOperation('llm', 'complete', async () => `answer to ${text}`);
  }

  @monitorComponentPerformance(ComponentType.STT, 'static')
  static describe(this: typeof SpeechToText, suffix: string): string {
    return `${this.name}${suffix}`;
  }
}

let otel: TestOtel;

beforeEach(() => {
  otel = installOtel();
});

afterEach(() => {
  resetOtel();
});

describe('@monitorComponentPerformance', () => {
  it('keeps this, arguments and the return value of a sync method, and returns synchronously', () => {
    const stt = new SpeechToText();
    const result = stt.transcribe('hello', 16000);
    expect(result).toBe('en:hello@16000');
    expect(stt.seen).toEqual(['hello', 16000]);
    expect(otel.span('stt.transcribe').attributes).toEqual({
      [ATTR_COMPONENT]: 'stt',
      [ATTR_OPERATION]: 'transcribe',
    });
  });

  it('keeps an async method async, with the same promise of the same value', async () => {
    const stt = new SpeechToText();
    const promise = stt.stream(['a', 'b']);
    expect(promise).toBeInstanceOf(Promise);
    expect(otel.spans()).toHaveLength(0);
    await expect(promise).resolves.toBe('a b (en)');
    await sleep(0);
    expect(otel.span('stt.stream').ended).toBe(true);
  });

  it('rethrows the same error from a sync method and records the failure', async () => {
    const error = new TypeError('bad audio');
    let caught: unknown;
    try {
      new SpeechToText().fail(error);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(error);
    const span = otel.span('stt.fail');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('TypeError');
    const all = await otel.collect();
    const failed = { [ATTR_COMPONENT]: 'stt', [ATTR_OPERATION]: 'fail', [ATTR_ERROR_TYPE]: 'TypeError' };
    expect(counterValue(all, METRIC_OPERATIONS, failed)).toBe(1);
  });

  it('rejects with the same error from an async method and records the failure', async () => {
    const error = new Error('provider down');
    await expect(new SpeechToText().failLater(error)).rejects.toBe(error);
    await sleep(0);
    expect(otel.span('stt.failLater').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('keeps this on static methods', () => {
    expect(SpeechToText.describe('!')).toBe('SpeechToText!');
    expect(otel.span('stt.static').ended).toBe(true);
  });

  it('nests operations called from a decorated method under its span', async () => {
    await expect(new SpeechToText().turn('hi')).resolves.toBe('answer to en:hi@16000');
    await sleep(0);
    const turnId = otel.span('pipeline.turn').spanContext().spanId;
    expect(otel.span('stt.transcribe').parentSpanContext?.spanId).toBe(turnId);
    expect(otel.span('llm.complete').parentSpanContext?.spanId).toBe(turnId);
  });

  it('with enableProfiling, runs the call through the registered profiler, inside the operation span', async () => {
    const profiler = new RecordingProfiler();
    setOperationProfiler(profiler);
    const stt = new SpeechToText();

    expect(stt.profiled('x')).toBe('en:x');
    const promise = stt.profiledAsync('y');
    expect(promise).toBeInstanceOf(Promise);
    await expect(promise).resolves.toBe('en:y');
    await sleep(0);

    expect(profiler.calls).toEqual([
      { component: 'stt', operation: 'profiled', activeSpan: 'stt.profiled' },
      { component: 'stt', operation: 'profiledAsync', activeSpan: 'stt.profiledAsync' },
    ]);
    expect(profiler.durationsMs).toHaveLength(2);
    expect(profiler.durationsMs[1]).toBeGreaterThanOrEqual(4);
    // Still timed as operations.
    expect(otel.span('stt.profiled').ended).toBe(true);
    expect(otel.span('stt.profiledAsync').ended).toBe(true);
  });

  it('with enableProfiling, passes errors through the profiler unchanged', () => {
    setOperationProfiler(new RecordingProfiler());
    class Failing {
      @monitorComponentPerformance('tool', 'call', { enableProfiling: true })
      run(error: Error): void {
        throw error;
      }
    }
    const error = new Error('tool failed');
    expect(() => new Failing().run(error)).toThrow(error);
    expect(otel.span('tool.call').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('with enableProfiling but no profiler registered, only times the call', () => {
    expect(new SpeechToText().profiled('x')).toBe('en:x');
    expect(otel.span('stt.profiled').ended).toBe(true);
  });

  it('does not profile methods without enableProfiling even when a profiler is registered', () => {
    const profiler = new RecordingProfiler();
    setOperationProfiler(profiler);
    new SpeechToText().transcribe('x', 8000);
    expect(profiler.calls).toEqual([]);
  });

  it('uses a profiler registered after the class was defined, and stops when it is removed', () => {
    const stt = new SpeechToText();
    stt.profiled('before');
    const profiler = new RecordingProfiler();
    setOperationProfiler(profiler);
    stt.profiled('during');
    setOperationProfiler(undefined);
    stt.profiled('after');
    expect(profiler.calls).toHaveLength(1);
  });
});
