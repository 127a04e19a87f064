import {
  BENCHMARK_ATTR,
  EVENT_ATTR,
  EVENT_BENCHMARK_RESULT,
  EVENT_DATABASES,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  EVENT_PROFILE_RESULT,
  OPTIMIZATION_ATTR,
  PROFILE_ATTR,
} from '@transcriber/instrumentation';

describe('events', () => {
  it('routes each event to its documented database', () => {
    expect(EVENT_DATABASES).toEqual({
      [EVENT_PROFILE_RESULT]: 'profile_results',
      [EVENT_BENCHMARK_RESULT]: 'benchmark_results',
      [EVENT_OPTIMIZATION_ACTION]: 'optimization_logs',
      [EVENT_OPTIMIZATION_RECOMMENDATION]: 'optimization_logs',
    });
  });

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
