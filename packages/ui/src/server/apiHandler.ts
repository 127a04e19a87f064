import type { Params } from './params';

/** What a handler gets: the data directory, its checked query parameters, the path's captures. */
export interface ApiRequest {
  dataDir: string;
  params: Params;
  /** The route pattern's capture groups (e.g. a trace id). */
  match: readonly string[];
}

/** One API endpoint: the query parameters it takes, and a function from the request to its JSON. */
export interface ApiHandler {
  readonly params: readonly string[];
  handle(request: ApiRequest): unknown;
}
