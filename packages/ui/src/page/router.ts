/**
 * Pages live in the URL's hash: `#/turns?minutes=60&service=x`, `#/trace/<id>`, `#/profile/<id>`.
 * The view filters (service, minutes) travel in the query, so a link keeps them.
 */
export interface Route {
  page: string;
  /** The path segment after the page (a trace or profile id). */
  id: string | undefined;
  query: URLSearchParams;
}

export function currentRoute(hash = location.hash): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?', 2);
  const [page, ...rest] = path.split('/').filter((p) => p !== '');
  return {
    page: page ?? 'turns',
    id: rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined,
    query: new URLSearchParams(search),
  };
}

/** The hash of a page, keeping the given query values (empty ones left out). */
export function hashOf(
  page: string,
  id?: string,
  query: Record<string, string | undefined> | URLSearchParams = {},
): string {
  const q = new URLSearchParams();
  const entries = query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
  for (const [k, v] of entries) if (v !== undefined && v !== '') q.set(k, v);
  const qs = q.toString();
  return `#/${page}${id === undefined ? '' : `/${encodeURIComponent(id)}`}${qs === '' ? '' : `?${qs}`}`;
}

/** The filters every list page shares, from the route's query. */
export interface Filters {
  minutes: number;
  service: string | undefined;
}

export const DEFAULT_MINUTES = 60;

export function filtersOf(route: Route): Filters {
  const minutes = Number(route.query.get('minutes') ?? DEFAULT_MINUTES);
  const service = route.query.get('service') ?? undefined;
  return {
    minutes: Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_MINUTES,
    service: service || undefined,
  };
}

/** The filters as query values, to carry into links. */
export function filterQuery(filters: Filters): Record<string, string | undefined> {
  return {
    minutes: filters.minutes === DEFAULT_MINUTES ? undefined : String(filters.minutes),
    service: filters.service,
  };
}
