import type { ApiHandler } from './apiHandler';

/** One API path: its pattern and the handler module, loaded the first time the path is asked for. */
export interface Route {
  readonly pattern: RegExp;
  load(): Promise<ApiHandler>;
}

/*
 * THE API. One entry per endpoint; the module is imported only when its path is first asked for
 * (this package compiles to CommonJS, so `import()` is a lazy require), so the server starts
 * without loading SQLite or any query. Every answer is JSON; bad parameters get 400 with
 * `{ "error": "one line" }`.
 */
export const ROUTES: readonly Route[] = [
  { pattern: /^\/api\/meta$/, load: () => import('./api/meta').then((m) => m.metaApi) },
  { pattern: /^\/api\/services$/, load: () => import('./api/services').then((m) => m.servicesApi) },
  { pattern: /^\/api\/turns$/, load: () => import('./api/turns').then((m) => m.turnsApi) },
  { pattern: /^\/api\/operations$/, load: () => import('./api/operations').then((m) => m.operationsApi) },
  { pattern: /^\/api\/traces\/([^/]+)$/, load: () => import('./api/trace').then((m) => m.traceApi) },
  { pattern: /^\/api\/over-time$/, load: () => import('./api/overTime').then((m) => m.overTimeApi) },
  { pattern: /^\/api\/profiles$/, load: () => import('./api/profiles').then((m) => m.profilesApi) },
  { pattern: /^\/api\/profiles\/([^/]+)$/, load: () => import('./api/profile').then((m) => m.profileApi) },
  { pattern: /^\/api\/profiles\/([^/]+)\/flame$/, load: () => import('./api/flame').then((m) => m.flameApi) },
  { pattern: /^\/api\/benchmarks$/, load: () => import('./api/benchmarks').then((m) => m.benchmarksApi) },
  { pattern: /^\/api\/compare$/, load: () => import('./api/compare').then((m) => m.compareApi) },
  {
    pattern: /^\/api\/recommendations$/,
    load: () => import('./api/recommendations').then((m) => m.recommendationsApi),
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
