import type { OperationsResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { colorOf } from '../colors';
import { h, replace } from '../dom';
import { clock, ms, shortId, timeOfDay } from '../format';
import { filterQuery, hashOf } from '../router';
import { missingNote, serviceText, windowText } from './common';
import type { PageFactory } from './page';

const COMPONENTS = ['', 'audio_capture', 'vad', 'stt', 'agent', 'llm', 'tool', 'tts', 'audio_output', 'pipeline'];

/** Traces: the newest, slowest or failed operations (as `transcriber traces`); a click opens the trace. */
export const tracesPage: PageFactory = (root, { route, filters, navigate }) => {
  const order = route.query.get('order') === 'slowest' ? 'slowest' : 'recent';
  const errors = route.query.get('errors') === 'true';
  const component = route.query.get('component') ?? '';
  const link = (changes: Record<string, string | undefined>) =>
    hashOf('traces', undefined, {
      ...filterQuery(filters),
      order: order === 'slowest' ? 'slowest' : undefined,
      errors: errors ? 'true' : undefined,
      component: component || undefined,
      ...changes,
    });
  return {
    databases: ['performance_metrics'],
    async load() {
      const data = await getJson<OperationsResponse>('/api/operations', {
        minutes: filters.minutes,
        service: filters.service,
        order,
        errors: errors ? 'true' : undefined,
        component: component || undefined,
        limit: 100,
      });
      replace(root, ...render(data));
    },
  };

  function render(data: OperationsResponse): (Node | string)[] {
    const select = h(
      'select',
      { 'aria-label': 'component' },
      ...COMPONENTS.map((c) => h('option', { value: c, selected: c === component }, c === '' ? 'every component' : c)),
    );
    select.addEventListener('change', () => navigate(link({ component: select.value || undefined })));
    const rows = data.operations.map((op) => {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = colorOf(op.component);
      return h(
        'tr',
        { class: `op-row${op.error ? ' error' : ''}`, 'data-trace': op.traceId },
        h('td', { class: 'time', title: clock(op.startUs) }, timeOfDay(op.startUs)),
        h('td', {}, swatch, op.name),
        h('td', { class: 'num' }, ms(op.durationMs)),
        h('td', {}, op.error ? (op.errorType ?? 'error') : ''),
        h('td', {}, op.serviceName ?? '–'),
        h(
          'td',
          { class: 'mono' },
          h('a', { href: hashOf('trace', op.traceId, filterQuery(filters)) }, shortId(op.traceId)),
        ),
      );
    });
    return [
      h(
        'h2',
        {},
        'Operations ',
        h('small', {}, `${windowText(data.window, filters.minutes)} · ${serviceText(data.service)}`),
      ),
      missingNote(data) ?? '',
      h(
        'p',
        { class: 'toolbar' },
        h('a', { href: link({ order: undefined }), class: order === 'recent' ? 'active' : undefined }, 'newest'),
        ' · ',
        h('a', { href: link({ order: 'slowest' }), class: order === 'slowest' ? 'active' : undefined }, 'slowest'),
        ' · ',
        h(
          'a',
          { href: link({ errors: errors ? undefined : 'true' }), class: errors ? 'active' : undefined },
          'failed only',
        ),
        ' ',
        select,
      ),
      data.operations.length === 0
        ? h('p', { class: 'note', 'data-empty': '' }, 'No operations recorded in this window.')
        : h(
            'table',
            { class: 'grid operations' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'started'),
                h('th', {}, 'operation'),
                h('th', { class: 'num' }, 'duration'),
                h('th', {}, 'error'),
                h('th', {}, 'service'),
                h('th', {}, 'trace'),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
    ];
  }
};
