import {
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  OPERATION_DURATION_BUCKETS_S,
  RESOURCE_GAUGES,
} from '@transcriber/instrumentation';

describe('names', () => {
  it('names the operation instruments by the OTel rules (no unit or _total suffix)', () => {
    expect(METRIC_OPERATION_DURATION).toBe('transcriber.operation.duration');
    expect(METRIC_OPERATIONS).toBe('transcriber.operations');
    expect(METRIC_OPERATION_ERRORS).toBe('transcriber.operation.errors');
  });

  it('has strictly increasing duration buckets in seconds, from 1 ms to a minute', () => {
    const buckets = OPERATION_DURATION_BUCKETS_S;
    expect(Object.isFrozen(buckets)).toBe(true);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThan(buckets[i - 1]);
    expect(buckets[0]).toBe(0.001);
    expect(buckets[buckets.length - 1]).toBe(60);
  });

  it('lists each resource gauge once', () => {
    expect(new Set(RESOURCE_GAUGES).size).toBe(RESOURCE_GAUGES.length);
  });
});
