import type { Window } from '../results/window';

export function lastMinutes(minutes: number, nowMs = Date.now()): Window {
  const untilUs = nowMs * 1000 + 1;
  return { minutes, sinceUs: Math.round(untilUs - minutes * 60_000_000), untilUs };
}
