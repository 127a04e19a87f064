import { diag } from '@opentelemetry/api';
import { hookModuleLoads, type ModuleExports, type ModuleLoadHook } from '../moduleLoadHooks';
import { recordLiveKitMetrics, type LiveKitMetrics } from './liveKitMetrics';

/** The package this instruments: LiveKit Agents for Node. */
export const LIVEKIT_MODULE = '@livekit/agents';

// `AgentSessionEventTypes.MetricsCollected` (agents/src/voice/events.ts).
const METRICS_COLLECTED = 'metrics_collected';

interface AgentSessionLike {
  on(event: string, listener: (event: { metrics?: LiveKitMetrics }) => void): unknown;
}
type StartMethod = (this: AgentSessionLike, ...args: unknown[]) => unknown;

/**
 * Instruments LiveKit Agents for Node when the app loads it (require, or import when `esm`). Its
 * spans need nothing: they go through the global tracer provider, where FrameworkSpanProcessor
 * makes them ours. Its per-component figures are not spans but `metrics_collected` events on each
 * `AgentSession`: `AgentSession.prototype.start` is wrapped to listen to them on every session the
 * app starts (the app's call, arguments, result and errors pass through unchanged), and each is
 * recorded in our histograms as it arrives (recordLiveKitMetrics).
 */
export function instrumentLiveKit(esm: boolean): ModuleLoadHook {
  const patched = new WeakSet<object>();
  return hookModuleLoads([LIVEKIT_MODULE], esm, (exports) => {
    try {
      patchSessionStart(agentSessionPrototype(exports), patched);
    } catch (err) {
      diag.warn(`transcriber: ${LIVEKIT_MODULE} could not be instrumented: ${(err as Error).message}`);
    }
    return undefined;
  });
}

function agentSessionPrototype(exports: ModuleExports): { start?: unknown } {
  const voice = exports.voice as { AgentSession?: unknown } | undefined;
  const AgentSession = voice?.AgentSession ?? exports.AgentSession;
  const prototype = typeof AgentSession === 'function' ? (AgentSession.prototype as { start?: unknown }) : undefined;
  if (prototype === undefined) throw new Error('no AgentSession class among its exports');
  return prototype;
}

function patchSessionStart(prototype: { start?: unknown }, patched: WeakSet<object>): void {
  if (patched.has(prototype)) return;
  const original = prototype.start;
  if (typeof original !== 'function') throw new Error('AgentSession has no start method');
  patched.add(prototype);
  const listening = new WeakSet<object>();
  prototype.start = function start(this: AgentSessionLike, ...args: unknown[]): unknown {
    try {
      if (!listening.has(this)) {
        listening.add(this);
        this.on(METRICS_COLLECTED, onMetricsCollected);
      }
    } catch (err) {
      diag.warn(`transcriber: not listening to a LiveKit session's metrics: ${(err as Error).message}`);
    }
    return (original as StartMethod).apply(this, args);
  };
}

function onMetricsCollected(event: { metrics?: LiveKitMetrics }): void {
  try {
    if (event?.metrics !== undefined) recordLiveKitMetrics(event.metrics);
  } catch (err) {
    diag.error('transcriber: recording LiveKit metrics failed', err);
  }
}
