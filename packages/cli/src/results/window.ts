/** The time window a command looks at: the last `minutes` up to now, in µs since the epoch. */
export interface Window {
  minutes: number;
  sinceUs: number;
  untilUs: number;
}
