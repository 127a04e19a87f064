import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ComponentType, timeOperation } from '@transcriber/instrumentation';
import { RecentOperations } from '@transcriber/node';

describe('RecentOperations', () => {
  let recent: RecentOperations;
  let provider: BasicTracerProvider;

  beforeEach(() => {
    recent = new RecentOperations(5);
    provider = new BasicTracerProvider({ spanProcessors: [recent] });
    trace.setGlobalTracerProvider(provider);
  });

  afterEach(async () => {
    await provider.shutdown();
    trace.disable();
  });

  it('keeps the last N component operations, oldest first', () => {
    for (let i = 0; i < 7; i++) timeOperation(ComponentType.STT, `op${i}`, () => i);
    expect(recent.list().map((o) => o.operation)).toEqual(['op2', 'op3', 'op4', 'op5', 'op6']);
  });

  it('ignores spans without a component', () => {
    trace.getTracer('other').startSpan('http.get').end();
    expect(recent.list()).toHaveLength(0);
  });

  it('computes per-component statistics with errors', () => {
    timeOperation(ComponentType.TTS, 'synth', () => 1);
    expect(() =>
      timeOperation(ComponentType.TTS, 'synth', () => {
        throw new RangeError('x');
      }),
    ).toThrow(RangeError);
    timeOperation(ComponentType.VAD, 'detect', () => 1);
    const stats = recent.statsByComponent();
    expect(Object.keys(stats).sort()).toEqual(['tts', 'vad']);
    expect(stats.tts).toMatchObject({ count: 2, errors: 1, errorRate: 0.5 });
    expect(stats.tts.minMs).toBeLessThanOrEqual(stats.tts.p50Ms);
    expect(stats.tts.p99Ms).toBeLessThanOrEqual(stats.tts.maxMs);
  });
});
