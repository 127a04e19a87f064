/* eslint-disable @typescript-eslint/no-require-imports -- profiler parts load on their own schedule */
import { diag } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setOperationProfiler } from '@transcriber/instrumentation';
import { loadConfig } from '../config/loadConfig';
import { profilerOptions } from '../config/componentOptions';
import type { PerformanceConfig } from '../config/performanceConfig';
import { instrumentLiveKit, LIVEKIT_MODULE } from '../instrumentations/livekit/liveKitInstrumentation';
import { instrumentMappedOperations } from '../instrumentations/mappedOperations';
import { instrumentOpenAI } from '../instrumentations/openai/openaiInstrumentation';
import { parseOperationMap } from '../instrumentations/operationMap';
import { startRuntimeMetrics } from '../instrumentations/runtimeMetrics';
import { installDiagLogger } from '../sdk/diagLogger';
import { startTelemetry } from '../sdk/startTelemetry';
import { entryIsEsm, registerEsmLoader } from './esmLoader';
import { installExitHooks } from './exitHooks';
import { reportExportErrorsOnce } from './exportErrorReporter';
import { readOtelEnvironment } from './otelEnvironment';
import { signalExporters } from './signalExporters';

/**
 * What `@transcriber/node/register` does before the app's first line runs: read the configuration
 * (a bad value is one warning, never a stop), hook the modules to instrument (the `openai` SDK,
 * LiveKit Agents and the config file's `instrument` map), start the SDK with the exporters asked for (SQLite by
 * default), sample resources and runtime metrics, flush on every way out, serve the profiler's
 * control channel for `transcriber profile --pid` (and `optimize --apply memory --pid`), and, with
 * `enableAutoOptimization`, run the optimizer's safe optimizations on an interval.
 */
export function startPreload(): void {
  installDiagLogger();
  const warn = (message: string): void => diag.warn(`transcriber: ${message}`);
  const environment = readOtelEnvironment(process.env, warn);
  if (environment.sdkDisabled) return;

  const { config, sections } = loadConfig({
    onError: (err) => warn(`${err.message}; keeping the default (the app is not affected)`),
  });
  const mappings = parseOperationMap(sections.instrument, process.cwd(), warn);

  // The hooks go in before the app loads anything.
  const esm =
    entryIsEsm(process.argv[1]) && registerEsmLoader(['openai', LIVEKIT_MODULE, ...mappings.map((m) => m.resolved)]);
  instrumentOpenAI(esm);
  instrumentLiveKit(esm);
  if (mappings.length > 0) instrumentMappedOperations(mappings, esm);

  reportExportErrorsOnce();
  const telemetry = startTelemetry(config, {
    ...signalExporters(environment, config),
    spanProcessors: [attributionProcessor()],
  });
  // Resources are sampled by the SDK's own sampler (startTelemetry), every monitoringInterval.
  if (config.enableMonitoring) startRuntimeMetrics();
  const exit = installExitHooks(telemetry);
  startProfilerControlChannel(config, exit);
  if (config.enableAutoOptimization) startAutoOptimization(config);
}

/**
 * The profiler's span processor: it lets whole-process CPU profiles (`profile --pid`) charge
 * samples to components, and costs a flag check per span while no profile records. Its own file,
 * not the profiler's index, which loads the whole profiler.
 */
function attributionProcessor(): SpanProcessor {
  const { AttributionSpanProcessor } =
    require('@transcriber/profiler/attribution') as typeof import('@transcriber/profiler/attribution');
  return new AttributionSpanProcessor() as unknown as SpanProcessor;
}

let optimizer: import('@transcriber/optimizer').ResourceOptimizer | undefined;

/** The process's optimizer, loaded on first use (never on the app's start path). */
function processOptimizer(config: PerformanceConfig): import('@transcriber/optimizer').ResourceOptimizer {
  if (optimizer === undefined) {
    const { ResourceOptimizer } = require('@transcriber/optimizer') as typeof import('@transcriber/optimizer');
    optimizer = new ResourceOptimizer(config.dataDir);
  }
  return optimizer;
}

/**
 * `transcriber optimize --apply memory --pid` asks through the profiler's channel: the caches the
 * app registered (process-wide) are purged and garbage collected, measured and logged here.
 */
async function optimizeMemoryOnRequest(config: PerformanceConfig): Promise<unknown> {
  const result = await processOptimizer(config).optimizeMemoryUsage();
  await processOptimizer(config).flush();
  return result;
}

/** With `enableAutoOptimization`: the safe optimizations every `optimizationInterval` (unref'd timers). */
function startAutoOptimization(config: PerformanceConfig): void {
  const timer = setTimeout(() => {
    try {
      processOptimizer(config).startAutoOptimization(config.optimizationInterval);
    } catch (err) {
      diag.warn(`transcriber: automatic optimization not started: ${(err as Error).message}`);
    }
  }, 0);
  timer.unref();
}

/**
 * `transcriber profile --pid` talks to this process through the profiler's control channel (a Unix
 * socket only this user can reach), opened just after start-up, off the app's start path, on a
 * timer that never keeps the process alive; the CLI waits for the socket. The profiler itself
 * (~230 modules, 100–200 ms) loads at the first request, or at once with `enableProfiling`, where
 * the same profiler also samples operations (the decorator's hook). A program started by
 * `transcriber profile -- node <program>` is profiled from before its first line instead.
 */
function startProfilerControlChannel(config: PerformanceConfig, exit: { readonly exiting: boolean }): void {
  const startupProfile = takeProfileOnStart();
  const start = () => {
    try {
      // The channel's own entry, not the profiler's index (which loads all of the profiler).
      const { startProfilerControlServer } =
        require('@transcriber/profiler/control') as typeof import('@transcriber/profiler/control');
      const server = startProfilerControlServer({
        dataDir: config.dataDir,
        profilerOptions: profilerOptions(config),
        optimizeMemory: () => optimizeMemoryOnRequest(config),
        ...(startupProfile !== undefined ? { startupProfile } : {}),
      });
      if (config.enableProfiling) setOperationProfiler(server.profiler);
    } catch (err) {
      diag.warn(`transcriber: profiler control channel not started: ${(err as Error).message}`);
    }
  };
  if (startupProfile !== undefined) {
    start();
    return;
  }
  const timer = setTimeout(() => {
    if (!exit.exiting) start(); // an app ending at once has nothing to profile
  }, 0);
  timer.unref();
}

/**
 * The profile `transcriber profile -- node <program>` asked for, taken out of the environment so
 * that processes the program starts are not profiled as well. A bad value is one warning.
 */
function takeProfileOnStart(): import('@transcriber/profiler/control').ProfileRequest | undefined {
  const { PROFILE_ON_START_ENV, parseProfileOnStart } =
    require('@transcriber/profiler/control') as typeof import('@transcriber/profiler/control');
  const text = process.env[PROFILE_ON_START_ENV];
  if (text === undefined) return undefined;
  delete process.env[PROFILE_ON_START_ENV];
  try {
    return parseProfileOnStart(text);
  } catch (err) {
    diag.warn(`transcriber: no start-up profile: ${(err as Error).message}`);
    return undefined;
  }
}
