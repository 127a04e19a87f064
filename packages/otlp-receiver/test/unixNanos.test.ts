import { OtlpDecodeError } from '../src/otlpDecodeError';
import { hrTimeDiff, jsonNanosToHrTime, nanosToHrTime } from '../src/unixNanos';

const split = (nanos: bigint): [number, number] => [Number(nanos & 0xffffffffn), Number(nanos >> 32n)];
const exact = (nanos: bigint): [number, number] => [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];

describe('nanosToHrTime', () => {
  it('is exact for today, the epoch, and the largest 64-bit count', () => {
    for (const nanos of [0n, 1n, 999_999_999n, 1_000_000_000n, 1_795_474_421_287_976_307n, 2n ** 64n - 1n]) {
      expect(nanosToHrTime(...split(nanos))).toEqual(exact(nanos));
    }
  });

  it('agrees with BigInt division on random 64-bit counts (where hi * 2^32 + lo would lose nanoseconds)', () => {
    for (let i = 0; i < 5000; i++) {
      const nanos = (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32));
      expect(nanosToHrTime(...split(nanos))).toEqual(exact(nanos));
    }
  });
});

describe('jsonNanosToHrTime', () => {
  it('reads decimal strings exactly and numbers as well as they were sent', () => {
    expect(jsonNanosToHrTime('1795474421287976307', 't')).toEqual([1795474421, 287976307]);
    expect(jsonNanosToHrTime('42', 't')).toEqual([0, 42]);
    expect(jsonNanosToHrTime(1_500_000_000, 't')).toEqual([1, 500_000_000]);
    expect(jsonNanosToHrTime(undefined, 't')).toEqual([0, 0]);
  });

  it('refuses anything else, naming the field', () => {
    for (const bad of ['-5', '1.5', 'soon', true, {}, -1, '123456789012345678901']) {
      expect(() => jsonNanosToHrTime(bad, 'startTimeUnixNano')).toThrow(OtlpDecodeError);
      expect(() => jsonNanosToHrTime(bad, 'startTimeUnixNano')).toThrow(/^startTimeUnixNano: /);
    }
  });
});

describe('hrTimeDiff', () => {
  it('borrows a second when the nanoseconds underflow', () => {
    expect(hrTimeDiff([10, 900_000_000], [12, 100_000_000])).toEqual([1, 200_000_000]);
    expect(hrTimeDiff([10, 5], [10, 5])).toEqual([0, 0]);
  });
});
