import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The event loop's delay over a window, ms. */
export interface LoopDelayFigures {
  /** How many measurements: turns of the loop (native meter), or timer runs. */
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * One window of event-loop delay figures: opened, read (each read starts the window over: null
 * when nothing was measured since the last), closed.
 */
export interface LoopDelayWindow {
  open(): void;
  read(): LoopDelayFigures | null;
  close(): void;
}

/** What the native meter (native/loop_busy.c) exports. */
interface LoopBusyMeter {
  /** A new window's number; throws when 16 are open. */
  open(): number;
  read(window: number): { count: number; p50Ns: number; p99Ns: number; maxNs: number };
  close(window: number): void;
}

/**
 * A window on the loop's delay: from the native meter when it is built (how long each turn of the
 * loop was busy, measured on every turn without waking the loop), else from Node's timer-based
 * histogram (`monitorEventLoopDelay`, a timer every 10 ms whose lateness is the delay: 100 wake-ups
 * a second, which on a LiveKit agent cost 13 ms of CPU a second).
 */
export function loopDelayWindow(): LoopDelayWindow {
  const meter = loopBusyMeter();
  return meter === undefined ? new TimerLoopDelayWindow() : new NativeLoopDelayWindow(meter);
}

/** Which way the loop's delay is measured in this process. */
export function loopDelaySource(): 'loop turns' | 'timer' {
  return loopBusyMeter() === undefined ? 'timer' : 'loop turns';
}

const NATIVE_FILE = path.join('build', 'Release', 'loop_busy.node');
let loaded: LoopBusyMeter | null | undefined;

/**
 * The native meter, or undefined when it was not built (no compiler when the package was set up:
 * the timer then measures). Looked for from this file in src/ or dist/, and from the preload bundle.
 */
function loopBusyMeter(): LoopBusyMeter | undefined {
  if (loaded === undefined) {
    loaded = null;
    for (const up of ['..', path.join('..', '..')]) {
      const file = path.resolve(__dirname, up, NATIVE_FILE);
      if (!fs.existsSync(file)) continue;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon, found at run time
        loaded = require(file) as LoopBusyMeter;
      } catch {
        // Built for another platform or a Node without N-API 8: the timer measures.
      }
      break;
    }
  }
  return loaded ?? undefined;
}

class NativeLoopDelayWindow implements LoopDelayWindow {
  private window: number | undefined;
  private fallback: TimerLoopDelayWindow | undefined;

  constructor(private readonly meter: LoopBusyMeter) {}

  open(): void {
    if (this.window !== undefined || this.fallback !== undefined) return;
    try {
      this.window = this.meter.open();
    } catch {
      // Sixteen windows open in this thread already: this one measures with a timer.
      this.fallback = new TimerLoopDelayWindow();
      this.fallback.open();
    }
  }

  read(): LoopDelayFigures | null {
    if (this.fallback !== undefined) return this.fallback.read();
    if (this.window === undefined) return null;
    const { count, p50Ns, p99Ns, maxNs } = this.meter.read(this.window);
    return count === 0 ? null : { count, p50Ms: p50Ns / 1e6, p99Ms: p99Ns / 1e6, maxMs: maxNs / 1e6 };
  }

  close(): void {
    if (this.window !== undefined) this.meter.close(this.window);
    this.window = undefined;
    this.fallback?.close();
    this.fallback = undefined;
  }
}

// Node's histogram records the whole time between its timer's runs (nominally the resolution), so
// the delay is what exceeds the resolution.
const TIMER_RESOLUTION_MS = 10;

export class TimerLoopDelayWindow implements LoopDelayWindow {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: TIMER_RESOLUTION_MS });

  open(): void {
    this.histogram.enable();
    this.histogram.reset();
  }

  read(): LoopDelayFigures | null {
    const h = this.histogram;
    const figures =
      h.count === 0
        ? null
        : {
            count: h.count,
            p50Ms: lateByMs(h.percentile(50)),
            p99Ms: lateByMs(h.percentile(99)),
            maxMs: lateByMs(h.max),
          };
    h.reset();
    return figures;
  }

  close(): void {
    this.histogram.disable();
  }
}

function lateByMs(recordedNs: number): number {
  return Math.max(0, recordedNs / 1e6 - TIMER_RESOLUTION_MS);
}
