import type {
  AllocationHotSpot,
  ComponentProfile,
  FlameGraph,
  HotSpot,
  MemoryProfile,
  ProfileResponse,
} from '../../shared/apiTypes';
import { ApiRequestError, getJson } from '../api';
import { flameChart } from '../charts/flameChart';
import { colorOf } from '../colors';
import { h, replace, stat, table } from '../dom';
import { bytes, clock, ms, percent } from '../format';
import type { PageFactory } from './page';

/**
 * One profile: its flame graph (each frame coloured by the component its samples were charged to,
 * a filter by component, the instrumentation's own frames in a graph of their own), its hot spots
 * and per-component CPU, and for memory profiles the top allocations and the leak verdict.
 */
export const profilePage: PageFactory = (root, { route }) => {
  let charts: { destroy(): void }[] = [];
  return {
    databases: [],
    async load() {
      const id = route.id ?? '';
      const { profile } = await getJson<ProfileResponse>(`/api/profiles/${encodeURIComponent(id)}`);
      let flame: FlameGraph | string;
      try {
        flame = profile.hasCpuProfile
          ? await getJson<FlameGraph>(`/api/profiles/${encodeURIComponent(id)}/flame`)
          : 'no .cpuprofile file was written for this profile';
      } catch (err) {
        if (!(err instanceof ApiRequestError) || err.status !== 404) throw err;
        flame = err.message;
      }
      const flameSection = h('section', { class: 'flame-section' });
      replace(
        root,
        h(
          'h2',
          {},
          `Profile #${profile.id} `,
          h(
            'small',
            {},
            `${profile.kind ?? ''} ${profile.component ?? ''}${profile.operation === null || profile.operation === 'process' ? '' : ` / ${profile.operation}`}`,
          ),
        ),
        h(
          'div',
          { class: 'stats' },
          stat('started', clock(profile.startUs)),
          stat('duration', ms(profile.durationMs)),
          stat('CPU', ms(profile.cpuMs)),
          stat('samples', String(profile.sampleCount ?? '–')),
          stat('process', String(profile.pid ?? '–')),
          typeof profile.details?.unattributedShare === 'number'
            ? stat('no component', percent(profile.details.unattributedShare))
            : '',
        ),
        flameSection,
        componentsSection(profile.components as ComponentProfile[]),
        hotSpotsSection(profile.topFunctions as HotSpot[]),
        memorySection(profile.memory as MemoryProfile | null),
      );
      drawFlame(flameSection, flame, route.query.get('component') ?? '');
    },
    dispose() {
      for (const c of charts) c.destroy();
      charts = [];
    },
  };

  function drawFlame(section: HTMLElement, flame: FlameGraph | string, initial: string): void {
    if (typeof flame === 'string') {
      replace(section, h('h3', {}, 'Flame graph'), h('p', { class: 'note' }, flame));
      return;
    }
    const components = flame.components;
    const select = h(
      'select',
      { 'aria-label': 'component', class: 'flame-filter' },
      h('option', { value: '' }, 'every component'),
      ...components.map((c) => {
        const value = c === '' ? '(none)' : c;
        return h('option', { value, selected: value === initial }, c === '' ? 'no component' : c);
      }),
    );
    const graphs = h('div', {});
    const draw = () => {
      for (const c of charts) c.destroy();
      charts = [];
      const value = select.value === '' ? undefined : select.value === '(none)' ? '' : select.value;
      const app = flameChart(flame.app, { component: value, label: 'app' });
      const ours = flameChart(flame.instrumentation, { component: value, label: 'instrumentation' });
      charts.push(app, ours);
      replace(
        graphs,
        app.element,
        h(
          'h4',
          {},
          `The instrumentation’s own frames: ${ms(flame.instrumentation.totalMs)} (${percent(flame.instrumentation.totalMs / Math.max(1e-9, flame.totalMs))} of the samples)`,
        ),
        flame.instrumentation.totalMs === 0 ? h('p', { class: 'note' }, 'none sampled') : ours.element,
      );
    };
    select.addEventListener('change', draw);
    const legend = h(
      'div',
      { class: 'legend' },
      ...components.map((c) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = colorOf(c);
        return h('span', { class: 'legend-item', 'data-component': c }, swatch, c === '' ? 'no component' : c);
      }),
    );
    replace(
      section,
      h(
        'h3',
        {},
        'Flame graph ',
        h('small', {}, `${ms(flame.totalMs)} of samples · callers above callees · click a frame to zoom`),
      ),
      h(
        'p',
        { class: 'toolbar' },
        'Show ',
        select,
        flame.attributed
          ? ''
          : h('span', { class: 'note' }, ' (no per-sample attribution was recorded with this profile)'),
      ),
      legend,
      graphs,
    );
    draw();
  }
};

function componentsSection(components: ComponentProfile[]): Node | string {
  if (!Array.isArray(components) || components.length === 0) return '';
  return h(
    'section',
    {},
    h('h3', {}, 'CPU per component'),
    table(
      ['component', 'CPU', 'share', 'operations'],
      components.map((c) => [
        c.component,
        ms(c.cpuMs),
        percent(c.share),
        c.operations.map((o) => `${o.operation} ${ms(o.cpuMs)}`).join(', '),
      ]),
      { numeric: [1, 2] },
    ),
  );
}

function hotSpotsSection(spots: HotSpot[]): Node | string {
  if (!Array.isArray(spots) || spots.length === 0) return '';
  return h(
    'section',
    {},
    h('h3', {}, 'Hot spots'),
    table(
      ['function', 'file', 'self', 'total', 'share'],
      spots.map((s) => [
        s.function,
        s.file === '' ? '' : `${s.file}:${s.line}`,
        ms(s.selfMs),
        ms(s.totalMs),
        percent(s.share),
      ]),
      { numeric: [2, 3, 4], className: 'grid hotspots' },
    ),
  );
}

function memorySection(memory: MemoryProfile | null): Node | string {
  if (memory === null || typeof memory !== 'object') return '';
  const allocations = (spots: AllocationHotSpot[]) =>
    table(
      ['function', 'bytes', 'share'],
      (spots ?? []).map((s) => [s.function, bytes(s.bytes), percent(s.share)]),
      { numeric: [1, 2] },
    );
  const leak = memory.leak;
  return h(
    'section',
    { class: 'memory', 'data-leak': leak?.status ?? 'unknown' },
    h('h3', {}, 'Memory'),
    h(
      'div',
      { class: 'stats' },
      stat('heap after GC, before', bytes(memory.heapUsedBeforeBytes)),
      stat('after', bytes(memory.heapUsedAfterBytes)),
      stat('growth', bytes(memory.heapGrowthBytes)),
      stat('leak', leak === undefined ? '–' : leak.status.replace('_', ' ')),
    ),
    leak !== undefined && leak.suspects.length > 0
      ? h(
          'div',
          { class: 'leak-suspects' },
          h('h4', {}, 'Leak suspects'),
          table(
            ['function', 'bytes per run'],
            leak.suspects.map((s) => [s.function, bytes(s.bytesPerRun)]),
            { numeric: [1] },
          ),
        )
      : '',
    h('h4', {}, 'Top allocations (live at the end)'),
    allocations(memory.allocationHotSpots),
    h('h4', {}, 'Retained after the final GC'),
    allocations(memory.retainedHotSpots),
  );
}
