import { attributeValueLengthLimits } from '@transcriber/node/config';

describe('attributeValueLengthLimits', () => {
  it('has stated defaults: 4,096 for spans and metric points, 1 MiB for events', () => {
    expect(attributeValueLengthLimits({})).toEqual({ spans: 4096, metricPoints: 4096, logRecords: 1048576 });
  });

  it('takes the general variable for every signal, and each signal its own first', () => {
    expect(attributeValueLengthLimits({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '300' })).toEqual({
      spans: 300,
      metricPoints: 300,
      logRecords: 300,
    });
    expect(
      attributeValueLengthLimits({
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '300',
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '50',
        OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '70000',
      }),
    ).toEqual({ spans: 50, metricPoints: 300, logRecords: 70000 });
  });

  it('refuses a value that is not a whole number, naming the variable', () => {
    expect(() => attributeValueLengthLimits({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4k' })).toThrow(
      'invalid OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT "4k" in the environment: expected a whole number of characters',
    );
  });
});
