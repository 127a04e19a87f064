import type { Filters, Route } from '../router';

/** What a page is given: where it is, the shared filters, and how to go elsewhere. */
export interface PageContext {
  route: Route;
  filters: Filters;
  navigate(hash: string): void;
}

/**
 * A page: `load` fetches its data and draws it (called when it opens, and again when new data
 * arrives if `databases` lists one that changed); `dispose` when it is left.
 */
export interface PageView {
  /** The databases whose changes redraw the page (none: it is not redrawn by itself). */
  readonly databases: readonly string[];
  load(): Promise<void>;
  dispose?(): void;
}

export type PageFactory = (root: HTMLElement, context: PageContext) => PageView;
