import { getOperationProfiler, setOperationProfiler, type OperationProfiler } from '@transcriber/instrumentation';

afterEach(() => {
  setOperationProfiler(undefined);
});

describe('setOperationProfiler / getOperationProfiler', () => {
  it('has no profiler until one is registered, and removes it with undefined', () => {
    expect(getOperationProfiler()).toBeUndefined();
    const profiler: OperationProfiler = { profile: (_c, _o, fn) => fn() };
    setOperationProfiler(profiler);
    expect(getOperationProfiler()).toBe(profiler);
    setOperationProfiler(undefined);
    expect(getOperationProfiler()).toBeUndefined();
  });

  it('is shared through a global symbol by every copy of the package in the process', () => {
    const profiler: OperationProfiler = { profile: (_c, _o, fn) => fn() };
    setOperationProfiler(profiler);
    const holder = globalThis as Record<symbol, unknown>;
    expect(holder[Symbol.for('transcriber.instrumentation.operationProfiler')]).toBe(profiler);
  });
});
