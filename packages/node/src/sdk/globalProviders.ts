// Which OTel signals already have a global provider, so we join an app's SDK instead of fighting
// it (the API refuses a second registration and logs an error). The keys are the API's own.
const TRACE_METRICS_KEY = Symbol.for('opentelemetry.js.api.1');
const LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');

export interface RegisteredProviders {
  traces: boolean;
  metrics: boolean;
  logs: boolean;
  /** A context manager (e.g. the app's AsyncLocalStorage one) is already installed. */
  context: boolean;
  propagation: boolean;
}

export function registeredProviders(): RegisteredProviders {
  const global = globalThis as Record<symbol, unknown>;
  const api = global[TRACE_METRICS_KEY] as Record<string, unknown> | undefined;
  return {
    traces: api?.trace !== undefined,
    metrics: api?.metrics !== undefined,
    logs: global[LOGS_KEY] !== undefined,
    context: api?.context !== undefined,
    propagation: api?.propagation !== undefined,
  };
}
