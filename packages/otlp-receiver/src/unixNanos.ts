import type { HrTime } from '@opentelemetry/api';
import { OtlpDecodeError } from './otlpDecodeError';

const NANOS_PER_SECOND = 1_000_000_000;
// 2^32 ns = 4 s + 294,967,296 ns, and 2^48 ns = 281,474 s + 976,710,656 ns: with these the seconds
// and nanoseconds of a 64-bit nanosecond count are computed in doubles without ever leaving the
// exactly representable range (< 2^53), where `hi * 2^32 + lo` itself would lose up to 256 ns.
const SECONDS_PER_2_32 = 4;
const NANOS_PER_2_32 = 294_967_296;
const SECONDS_PER_2_48 = 281_474;
const NANOS_PER_2_48 = 976_710_656;

/** OTLP's `fixed64` Unix nanoseconds, given as two 32-bit halves, as OTel's exact [seconds, nanos]. */
export function nanosToHrTime(lo: number, hi: number): HrTime {
  const hiHigh = hi >>> 16; // bits 48–63 of the count
  const hiLow = hi & 0xffff; // bits 32–47
  // Each term is below 2^53: 65,535 × 976,710,656 + 65,535 × 294,967,296 + 2^32.
  const nanos = hiHigh * NANOS_PER_2_48 + hiLow * NANOS_PER_2_32 + lo;
  const carry = Math.floor(nanos / NANOS_PER_SECOND);
  return [hiHigh * SECONDS_PER_2_48 + hiLow * SECONDS_PER_2_32 + carry, nanos - carry * NANOS_PER_SECOND];
}

/**
 * OTLP/JSON Unix nanoseconds — a decimal string (the proto3 JSON form of a 64-bit integer) or a
 * number — as [seconds, nanos]. `field` names the field in the error for anything else.
 */
export function jsonNanosToHrTime(value: unknown, field: string): HrTime {
  if (typeof value === 'string') {
    if (!/^\d{1,20}$/.test(value))
      throw new OtlpDecodeError(`${field}: ${JSON.stringify(value)} is not a count of nanoseconds`);
    const split = value.length - 9;
    return split <= 0 ? [0, Number(value)] : [Number(value.slice(0, split)), Number(value.slice(split))];
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    // A JSON number above 2^53 has already lost precision; this keeps what is left.
    const seconds = Math.floor(value / NANOS_PER_SECOND);
    return [seconds, Math.max(0, Math.min(NANOS_PER_SECOND - 1, Math.round(value - seconds * NANOS_PER_SECOND)))];
  }
  if (value === undefined || value === null) return [0, 0];
  throw new OtlpDecodeError(`${field}: expected nanoseconds as a string or number, got ${JSON.stringify(value)}`);
}

/** Whether `a` is earlier than `b`. */
export function hrTimeBefore(a: HrTime, b: HrTime): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** `end - start` as an HrTime (both normalised, end not before start). */
export function hrTimeDiff(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += NANOS_PER_SECOND;
  }
  return [seconds, nanos];
}
