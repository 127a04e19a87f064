/* eslint-disable @typescript-eslint/no-require-imports -- each endpoint's module loads the first time its path is asked for */
import type { ApiHandler } from './apiHandler';

/** One API path: its pattern and the handler module, loaded the first time the path is asked for. */
export interface Route {
  readonly pattern: RegExp;
  load(): Promise<ApiHandler>;
}

/*
 * THE API. One entry per endpoint; the module is required only when its path is first asked for,
 * so the server starts without loading SQLite or any query. (A `require`, not `import()`: this
 * package is CommonJS, and Jest runs an `import()` of the sources as an ES module load it cannot
 * do.) Every answer is JSON; bad parameters get 400 with `{ "error": "one line" }`.
 */
export const ROUTES: readonly Route[] = [
  { pattern: /^\/api\/meta$/, load: async () => (require('./api/meta') as typeof import('./api/meta')).metaApi },
  {
    pattern: /^\/api\/services$/,
    load: async () => (require('./api/services') as typeof import('./api/services')).servicesApi,
  },
  { pattern: /^\/api\/turns$/, load: async () => (require('./api/turns') as typeof import('./api/turns')).turnsApi },
  {
    pattern: /^\/api\/operations$/,
    load: async () => (require('./api/operations') as typeof import('./api/operations')).operationsApi,
  },
  {
    pattern: /^\/api\/traces\/([^/]+)$/,
    load: async () => (require('./api/trace') as typeof import('./api/trace')).traceApi,
  },
  {
    pattern: /^\/api\/over-time$/,
    load: async () => (require('./api/overTime') as typeof import('./api/overTime')).overTimeApi,
  },
  {
    pattern: /^\/api\/profiles$/,
    load: async () => (require('./api/profiles') as typeof import('./api/profiles')).profilesApi,
  },
  {
    pattern: /^\/api\/profiles\/([^/]+)$/,
    load: async () => (require('./api/profile') as typeof import('./api/profile')).profileApi,
  },
  {
    pattern: /^\/api\/profiles\/([^/]+)\/flame$/,
    load: async () => (require('./api/flame') as typeof import('./api/flame')).flameApi,
  },
  {
    pattern: /^\/api\/benchmarks$/,
    load: async () => (require('./api/benchmarks') as typeof import('./api/benchmarks')).benchmarksApi,
  },
  {
    pattern: /^\/api\/compare$/,
    load: async () => (require('./api/compare') as typeof import('./api/compare')).compareApi,
  },
  {
    pattern: /^\/api\/recommendations$/,
    load: async () => (require('./api/recommendations') as typeof import('./api/recommendations')).recommendationsApi,
  },
];

/** The route of a path and its captures, or undefined. */
export function routeOf(path: string): { route: Route; match: string[] } | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match !== null) return { route, match: match.slice(1) };
  }
  return undefined;
}
