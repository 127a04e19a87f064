import type { InspectorSession } from '../inspectorSession';
import { forceGc } from '../memory/forceGc';

/**
 * Starts V8's CPU profiler on `session`, a sample every `intervalUs`, after a full GC
 * (`heapCollected`: one was just made, as a memory profile's start does).
 *
 * Why the GC: a starting profiler indexes the code that already exists, but of optimized code only
 * what is attached to a function (V8's `EnumerateCompiledFunctions`, log.cc: "we will not log
 * optimized code objects that are only on a type feedback vector"). Code compiled for on-stack
 * replacement (OSR) of a loop is kept only there, so a sample taken in it loses that frame and is
 * charged to the caller. Since V8 12 (Node 22) that is the usual state of a function whose calls
 * each run a long loop: its loop is OSR-compiled (Maglev, then TurboFan) and its entry is never
 * optimized, so every later call runs the loop in OSR code. Measured on Node 24.22, a hot loop run
 * before the profile and then profiled: every sample on its caller (`(anonymous)` for an arrow
 * function); on Node 20 its entry is optimized soon after and the loss is brief. The feedback vector
 * holds OSR code weakly: after a full GC the loop is compiled again while the profiler runs, which
 * indexes it (20 of 20 runs right on Node 22 and 24, none before).
 */
export function startCpuProfile(
  session: InspectorSession,
  intervalUs: number,
  options: { heapCollected?: boolean } = {},
): void {
  if (options.heapCollected !== true) forceGc();
  session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  session.post('Profiler.start');
}
