import type { TurnsResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { histogram } from '../charts/histogram';
import { stageBar, stageLegend } from '../charts/stageBar';
import { colorOf, stageColor } from '../colors';
import { h, replace, stat, table } from '../dom';
import { clock, ms, num, shortId, timeOfDay } from '../format';
import { filterQuery, hashOf } from '../router';
import { missingNote, serviceText, windowText } from './common';
import type { PageFactory } from './page';

/**
 * Turns: how long users waited and where the time went. The window's voice-to-voice and stage
 * percentiles, a histogram of voice-to-voice with the 500–800 ms target band, and the newest (or
 * slowest) turns as stacked bars of whatever stages each turn lists; a click opens its waterfall.
 */
export const turnsPage: PageFactory = (root, { route, filters, navigate }) => {
  const order = route.query.get('order') === 'slowest' ? 'slowest' : 'recent';
  return {
    databases: ['performance_metrics'],
    async load() {
      const data = await getJson<TurnsResponse>('/api/turns', {
        minutes: filters.minutes,
        service: filters.service,
        order,
        limit: 100,
      });
      replace(root, ...render(data));
    },
  };

  function render(data: TurnsResponse): (Node | string)[] {
    const { summary } = data;
    const orderLink = (value: 'recent' | 'slowest', label: string) =>
      h(
        'a',
        {
          href: hashOf('turns', undefined, { ...filterQuery(filters), order: value === 'recent' ? undefined : value }),
          class: order === value ? 'active' : undefined,
        },
        label,
      );
    const capped =
      summary.cappedSinceUs === null
        ? null
        : h(
            'p',
            { class: 'note' },
            `Figures over the newest ${summary.maxTurns} turns of the window (since ${clock(summary.cappedSinceUs)}).`,
          );
    const stages = summary.stages;
    const scaleMs = Math.max(
      1,
      ...data.turns.map((t) =>
        Math.max(
          t.voiceToVoiceMs ?? 0,
          t.stages.reduce((s, x) => s + (x.ms ?? 0), 0),
        ),
      ),
    );
    const rows = data.turns.map((turn) => {
      const row = h(
        'tr',
        { class: `turn-row${turn.error ? ' error' : ''}`, 'data-turn': turn.traceId, tabindex: 0 },
        h('td', { class: 'time', title: clock(turn.startUs) }, timeOfDay(turn.startUs)),
        h('td', { class: 'bar-cell' }, stageBar(turn.stages, scaleMs)),
        h('td', { class: 'num v2v' }, ms(turn.voiceToVoiceMs)),
        h('td', { class: 'num' }, turn.interruptions > 0 ? String(turn.interruptions) : ''),
        h('td', {}, turn.serviceName ?? '–'),
        h(
          'td',
          { class: 'mono' },
          h('a', { href: hashOf('trace', turn.traceId, filterQuery(filters)) }, shortId(turn.traceId)),
        ),
      );
      const open = () => navigate(hashOf('trace', turn.traceId, filterQuery(filters)));
      row.addEventListener('click', (e) => {
        if (!(e.target instanceof HTMLAnchorElement)) open();
      });
      row.addEventListener('keydown', (e) => e.key === 'Enter' && open());
      return row;
    });
    return [
      h(
        'h2',
        {},
        'Voice turns ',
        h('small', {}, `${windowText(data.window, filters.minutes)} · ${serviceText(data.service)}`),
      ),
      missingNote(data) ?? '',
      h(
        'div',
        { class: 'stats' },
        stat('turns', String(summary.turns)),
        stat('voice-to-voice p50', ms(summary.voiceToVoiceMs?.p50)),
        stat('p95', ms(summary.voiceToVoiceMs?.p95)),
        stat('p99', ms(summary.voiceToVoiceMs?.p99)),
        stat('interruptions', String(summary.interruptions)),
        stat('failed', String(summary.failedTurns)),
      ),
      capped ?? '',
      h(
        'div',
        { class: 'two-columns' },
        h(
          'section',
          {},
          h('h3', {}, 'Voice-to-voice'),
          summary.histogram.bins.length === 0
            ? h('p', { class: 'note' }, 'no turn with a voice-to-voice latency in this window')
            : histogram([{ label: '', bins: summary.histogram.bins, color: colorOf('pipeline') }], {
                band: summary.targetBandMs,
                unit: '',
              }),
        ),
        h(
          'section',
          {},
          h('h3', {}, 'Stages'),
          table(
            ['stage', 'component', 'turns', 'p50 ms', 'p95 ms', 'p99 ms'],
            stages.map((s) => {
              const swatch = h('span', { class: 'swatch' });
              swatch.style.background = stageColor(s.stage, s.component);
              return [
                h('span', { 'data-stage': s.stage }, swatch, s.stage),
                s.component,
                String(s.count),
                num(s.p50),
                num(s.p95),
                num(s.p99),
              ];
            }),
            { numeric: [2, 3, 4, 5], className: 'grid stage-table' },
          ),
        ),
      ),
      h(
        'h3',
        {},
        order === 'slowest'
          ? `Slowest turns${summary.cappedSinceUs === null ? ' ' : ` of the newest ${summary.maxTurns} `}`
          : 'Newest turns ',
        h('span', { class: 'toggle' }, orderLink('recent', 'newest'), ' · ', orderLink('slowest', 'slowest')),
      ),
      stageLegend(stages),
      data.turns.length === 0
        ? h(
            'p',
            { class: 'note', 'data-empty': '' },
            'No turns recorded in this window (turns are pipeline/turn operations).',
          )
        : h(
            'table',
            { class: 'grid turns' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'started'),
                h('th', {}, 'stages'),
                h('th', { class: 'num' }, 'voice-to-voice'),
                h('th', { class: 'num' }, 'int'),
                h('th', {}, 'service'),
                h('th', {}, 'trace'),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
    ];
  }
};
