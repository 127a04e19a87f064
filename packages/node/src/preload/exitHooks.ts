/** What the exit hooks need from the running telemetry. */
export interface ExitFlush {
  /** Exports everything recorded and stops the SDK. */
  shutdown(): Promise<void>;
  /** Exports everything recorded, the SDK keeps running. */
  forceFlush(): Promise<void>;
}

/** The longest an exit waits for exporters (an unreachable OTLP endpoint retries for longer). */
export const EXIT_FLUSH_DEADLINE_MS = 3000;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes telemetry on every way out without changing how or with what code the app exits:
 * - normal exit (the event loop runs dry): on the first `beforeExit`, shut down (which flushes);
 *   the loop then runs dry again and Node exits with the app's `process.exitCode`;
 * - SIGTERM / SIGINT: an app with its own handler keeps control (we only flush; its handler
 *   decides when to exit). Without one, we shut down, then re-raise the signal with our handler
 *   removed, so the process dies of the signal exactly as it would have (exit status 128 + n);
 * - `process.exit()` and crashes (uncaught exceptions): `exit` handlers must be synchronous, so
 *   the batch processors hand what they hold to the exporters synchronously, and the SQLite
 *   writer, whose own `exit` handler runs after this one, writes it. The metric points of the
 *   current interval, which need an asynchronous collection, are what such an exit loses.
 */
export function installExitHooks(telemetry: ExitFlush): { readonly exiting: boolean } {
  let stopping = false;
  const shutdown = (): Promise<void> => {
    stopping = true;
    return telemetry.shutdown();
  };
  process.once('beforeExit', () => {
    // If an exporter keeps the loop alive past the deadline, exit as Node was about to.
    const deadline = setTimeout(() => process.exit(), EXIT_FLUSH_DEADLINE_MS);
    deadline.unref();
    void shutdown().finally(() => clearTimeout(deadline));
  });

  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) {
        void telemetry.forceFlush();
        return;
      }
      // From here a second signal takes the default action at once (no listener is left).
      process.removeListener(signal, onSignal);
      const reraise = (): void => {
        process.kill(process.pid, signal);
      };
      // Not unref'd: it keeps the process alive while the exporters work.
      const deadline = setTimeout(reraise, EXIT_FLUSH_DEADLINE_MS);
      void shutdown().finally(() => {
        clearTimeout(deadline);
        reraise();
      });
    };
    process.on(signal, onSignal);
  }

  // Before the SQLite writer's own `exit` handler, which writes what it was handed.
  process.prependListener('exit', () => {
    if (!stopping) void telemetry.forceFlush();
  });

  return {
    get exiting() {
      return stopping;
    },
  };
}
