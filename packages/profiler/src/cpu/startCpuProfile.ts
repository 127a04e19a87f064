import type { InspectorSession } from '../inspectorSession';
import { forceGc } from '../memory/forceGc';

/**
 * Starts V8's CPU profiler on `session`, a sample every `intervalUs`, then makes a full GC; samples
 * taken before this returns are the GC's, not the profiled work's (callers start their window after).
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
 * holds OSR code weakly: after a full GC the loop is compiled again, and code compiled while the
 * profiler runs is indexed as it is made. The GC comes after the start, not before: an OSR
 * compilation still running on a background thread (tens of ms on a loaded machine) could otherwise
 * be installed between the two, unindexed (1 profile in 5 on Node 22 under load).
 */
export function startCpuProfile(session: InspectorSession, intervalUs: number): void {
  session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  session.post('Profiler.start');
  forceGc();
}
