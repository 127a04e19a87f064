import './styles.css';
import type { MetaResponse, ServicesResponse } from '../shared/apiTypes';
import { ApiRequestError, getJson } from './api';
import { h, replace } from './dom';
import { LiveUpdates } from './live';
import { benchmarksPage } from './pages/benchmarksPage';
import { comparePage } from './pages/comparePage';
import { minutesText } from './pages/common';
import { overTimePage } from './pages/overTimePage';
import type { PageFactory, PageView } from './pages/page';
import { profilePage } from './pages/profilePage';
import { profilesPage } from './pages/profilesPage';
import { recommendationsPage } from './pages/recommendationsPage';
import { tracePage } from './pages/tracePage';
import { tracesPage } from './pages/tracesPage';
import { turnsPage } from './pages/turnsPage';
import { currentRoute, DEFAULT_MINUTES, filtersOf, hashOf, type Route } from './router';

/** The pages, in the order of the navigation; `nav: false` pages are reached by links. */
const PAGES: Record<string, { title: string; factory: PageFactory; nav: boolean; filters: boolean }> = {
  turns: { title: 'Turns', factory: turnsPage, nav: true, filters: true },
  traces: { title: 'Traces', factory: tracesPage, nav: true, filters: true },
  trace: { title: 'Trace', factory: tracePage, nav: false, filters: false },
  'over-time': { title: 'Over time', factory: overTimePage, nav: true, filters: true },
  profiles: { title: 'Profiles', factory: profilesPage, nav: true, filters: true },
  profile: { title: 'Profile', factory: profilePage, nav: false, filters: false },
  benchmarks: { title: 'Benchmarks', factory: benchmarksPage, nav: true, filters: false },
  compare: { title: 'Compare', factory: comparePage, nav: true, filters: false },
  recommendations: { title: 'Recommendations', factory: recommendationsPage, nav: true, filters: true },
};

const WINDOWS = [5, 15, 60, 360, 1440, 10080];

const content = document.getElementById('content')!;
const nav = document.getElementById('nav')!;
const filtersBar = document.getElementById('filters')!;
const footer = document.getElementById('footer')!;

let current: PageView | undefined;
let loading: Promise<void> | undefined;
let services: ServicesResponse['services'] = [];

function navigate(hash: string): void {
  if (location.hash === hash) void show();
  else location.hash = hash;
}

/** Opens the page of the current hash. */
async function show(): Promise<void> {
  const route = currentRoute();
  const entry = PAGES[route.page] ?? PAGES.turns;
  current?.dispose?.();
  document.body.dataset.page = route.page in PAGES ? route.page : 'turns';
  document.title = `${entry.title} · transcriber`;
  drawNav(route);
  drawFilters(route, entry.filters);
  content.dataset.state = 'loading';
  const view = entry.factory(content, { route, filters: filtersOf(route), navigate });
  current = view;
  await load(view);
}

/** Loads a page's data and draws it; marks the content ready (tests and the bench wait for that). */
async function load(view: PageView): Promise<void> {
  const run = (async () => {
    try {
      await view.load();
      if (view === current) content.dataset.state = 'ready';
    } catch (err) {
      if (view !== current) return;
      if (err instanceof ApiRequestError && err.status === 503) {
        // A database being created or locked for a moment: try again shortly.
        content.dataset.state = 'waiting';
        replace(content, h('p', { class: 'note waiting' }, `${err.message} — trying again…`));
        window.setTimeout(() => view === current && void load(view), 2000);
        return;
      }
      content.dataset.state = 'error';
      replace(
        content,
        h('div', { class: 'error-box', role: 'alert' }, err instanceof Error ? err.message : String(err)),
      );
    }
  })();
  loading = run;
  await run;
  if (loading === run) loading = undefined;
}

function drawNav(route: Route): void {
  const query = new URLSearchParams();
  for (const key of ['minutes', 'service']) {
    const value = route.query.get(key);
    if (value !== null) query.set(key, value);
  }
  replace(
    nav,
    ...Object.entries(PAGES)
      .filter(([, p]) => p.nav)
      .map(([name, p]) =>
        h(
          'a',
          {
            href: hashOf(name, undefined, query),
            class:
              route.page === name ||
              (name === 'traces' && route.page === 'trace') ||
              (name === 'profiles' && route.page === 'profile')
                ? 'active'
                : undefined,
            'data-nav': name,
          },
          p.title,
        ),
      ),
  );
}

function drawFilters(route: Route, shown: boolean): void {
  filtersBar.hidden = !shown;
  if (!shown) return;
  const filters = filtersOf(route);
  const change = (key: string, value: string | undefined) => {
    const query = new URLSearchParams(route.query);
    if (value === undefined || value === '') query.delete(key);
    else query.set(key, value);
    navigate(hashOf(route.page, route.id, query));
  };
  const service = h(
    'select',
    { id: 'service-filter', 'aria-label': 'service' },
    h('option', { value: '' }, 'all services but benchmark runs'),
    ...services.map((s) =>
      h(
        'option',
        { value: s.service ?? '', selected: s.service === filters.service },
        `${s.service ?? '(no service)'}${s.benchmark ? ' (benchmark runs)' : ''}`,
      ),
    ),
  );
  if (filters.service !== undefined && !services.some((s) => s.service === filters.service)) {
    service.append(h('option', { value: filters.service, selected: true }, filters.service));
  }
  service.addEventListener('change', () => change('service', service.value));
  const window = h(
    'select',
    { id: 'window-filter', 'aria-label': 'window' },
    ...WINDOWS.map((m) => h('option', { value: String(m), selected: m === filters.minutes }, `last ${minutesText(m)}`)),
  );
  if (!WINDOWS.includes(filters.minutes))
    window.append(
      h('option', { value: String(filters.minutes), selected: true }, `last ${minutesText(filters.minutes)}`),
    );
  window.addEventListener('change', () =>
    change('minutes', window.value === String(DEFAULT_MINUTES) ? undefined : window.value),
  );
  replace(filtersBar, service, window);
}

async function start(): Promise<void> {
  window.addEventListener('hashchange', () => void show());
  const live = new LiveUpdates((databases) => {
    const view = current;
    if (view === undefined || loading !== undefined) return;
    if (databases.length === 0 || view.databases.some((d) => databases.includes(d))) void load(view);
    if (databases.includes('performance_metrics')) void refreshServices();
  });
  live.start();
  void getJson<MetaResponse>('/api/meta').then(
    (meta) => replace(footer, `data: ${meta.dataDir} · transcriber ${meta.version} · read-only`),
    () => undefined,
  );
  await refreshServices();
  await show();
}

async function refreshServices(): Promise<void> {
  try {
    const before = JSON.stringify(services);
    services = (await getJson<ServicesResponse>('/api/services')).services;
    if (JSON.stringify(services) !== before) {
      const route = currentRoute();
      drawFilters(route, (PAGES[route.page] ?? PAGES.turns).filters);
    }
  } catch {
    // the page itself reports what is wrong with the data
  }
}

void start();
