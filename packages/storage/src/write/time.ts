import type { HrTime } from '@opentelemetry/api';

/** OTel high-resolution time → integer microseconds since the epoch. */
export function hrTimeToMicros(time: HrTime): number {
  return time[0] * 1_000_000 + Math.round(time[1] / 1000);
}

/** OTel high-resolution duration → milliseconds. */
export function hrDurationToMillis(duration: HrTime): number {
  return duration[0] * 1000 + duration[1] / 1_000_000;
}
