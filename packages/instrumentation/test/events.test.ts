import { BENCHMARK_ATTR, EVENT_ATTR, OPTIMIZATION_ATTR, PROFILE_ATTR } from '@transcriber/instrumentation';

describe('events', () => {
  it('uses the span attribute keys for component and operation', () => {
    expect(EVENT_ATTR.COMPONENT).toBe('transcriber.component');
    expect(EVENT_ATTR.OPERATION).toBe('transcriber.operation');
  });

  it('never gives two attributes the same key', () => {
    const keys = [EVENT_ATTR, PROFILE_ATTR, BENCHMARK_ATTR, OPTIMIZATION_ATTR].flatMap((group) => Object.values(group));
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^transcriber\.[a-z0-9_.]+$/);
  });
});
