/**
 * Spins until `microseconds` have passed on the monotonic clock: a workload of known duration.
 * Being preempted only lengthens an iteration when the preemption outlasts the deadline, so its
 * median is close to exact even on a busy machine.
 */
export function busyWaitUs(microseconds: number): void {
  const until = process.hrtime.bigint() + BigInt(Math.round(microseconds * 1000));
  while (process.hrtime.bigint() < until) {
    // spin
  }
}
