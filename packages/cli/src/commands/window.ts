/** The time window a command looks at: the last `minutes` up to now, in µs since the epoch. */
export interface Window {
  minutes: number;
  sinceUs: number;
  untilUs: number;
}

export function lastMinutes(minutes: number, nowMs = Date.now()): Window {
  const untilUs = nowMs * 1000 + 1;
  return { minutes, sinceUs: Math.round(untilUs - minutes * 60_000_000), untilUs };
}
