import type { CompareResponse, ComparedFigure, ServicesResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { histogram } from '../charts/histogram';
import { h, replace, stat } from '../dom';
import { clock, localInput, num } from '../format';
import { hashOf } from '../router';
import { missingNote, serviceText } from './common';
import type { PageFactory } from './page';

const A_COLOR = '#6baed6';
const B_COLOR = '#e6550d';

/**
 * Compare: the turns of two windows or two services side by side, voice-to-voice and each stage,
 * each with the verdict benchmark regressions get (Mann–Whitney U and a minimum effect): is B
 * really faster than A, or is it noise? Defaults: B the last hour, A the hour before.
 */
export const comparePage: PageFactory = (root, { route, navigate }) => {
  const q = route.query;
  const now = Date.now();
  const sides = {
    aFrom: q.get('aFrom') ?? String(now - 2 * 3_600_000),
    aTo: q.get('aTo') ?? String(now - 3_600_000),
    aService: q.get('aService') ?? '',
    bFrom: q.get('bFrom') ?? String(now - 3_600_000),
    bTo: q.get('bTo') ?? String(now),
    bService: q.get('bService') ?? '',
  };
  return {
    databases: [],
    async load() {
      const [data, services] = await Promise.all([
        getJson<CompareResponse>('/api/compare', {
          ...sides,
          aService: sides.aService || undefined,
          bService: sides.bService || undefined,
        }),
        getJson<ServicesResponse>('/api/services'),
      ]);
      replace(root, ...render(data, services));
    },
  };

  function render(data: CompareResponse, services: ServicesResponse): (Node | string)[] {
    const form = h('form', { class: 'compare-form' });
    const side = (key: 'a' | 'b', color: string) => {
      const from = h('input', {
        type: 'datetime-local',
        name: `${key}From`,
        value: localInput(Number(sides[`${key}From`])),
      });
      const to = h('input', { type: 'datetime-local', name: `${key}To`, value: localInput(Number(sides[`${key}To`])) });
      const service = h(
        'select',
        { name: `${key}Service` },
        h('option', { value: '' }, 'all services but benchmark runs'),
        ...services.services.map((s) =>
          h(
            'option',
            { value: s.service ?? '', selected: (s.service ?? '') === sides[`${key}Service`] },
            s.service ?? '(none)',
          ),
        ),
      );
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = color;
      return h(
        'fieldset',
        {},
        h('legend', {}, swatch, key.toUpperCase()),
        h('label', {}, 'from ', from),
        h('label', {}, 'to ', to),
        h('label', {}, 'service ', service),
      );
    };
    form.append(side('a', A_COLOR), side('b', B_COLOR), h('button', { type: 'submit' }, 'Compare'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const values = new FormData(form);
      const ms = (name: string) => String(new Date(String(values.get(name))).getTime());
      navigate(
        hashOf('compare', undefined, {
          aFrom: ms('aFrom'),
          aTo: ms('aTo'),
          aService: String(values.get('aService') ?? '') || undefined,
          bFrom: ms('bFrom'),
          bTo: ms('bTo'),
          bService: String(values.get('bService') ?? '') || undefined,
        }),
      );
    });
    const sideText = (x: CompareResponse['a']) =>
      `${x.turns} turns · ${clock(x.window.sinceUs)} – ${clock(x.window.untilUs)} · ${serviceText(x.service)}${x.cappedSinceUs === null ? '' : ` (the newest since ${clock(x.cappedSinceUs)})`}`;
    return [
      h('h2', {}, 'Compare ', h('small', {}, 'two windows or two services')),
      form,
      missingNote(data) ?? '',
      h(
        'p',
        { class: 'sides' },
        h('strong', {}, 'A: '),
        sideText(data.a),
        h('br', {}),
        h('strong', {}, 'B: '),
        sideText(data.b),
      ),
      h(
        'p',
        { class: 'note' },
        `Verdicts as for benchmark regressions: a Mann–Whitney U test (p < ${data.significance}) and a median change of at least ${data.minEffectPercent}%.`,
      ),
      h('div', { class: 'figures' }, ...data.figures.map(figureCard)),
    ];
  }
};

function figureCard(figure: ComparedFigure): HTMLElement {
  const verdictClass = figure.verdict === 'regression' ? 'high' : figure.verdict === 'improvement' ? 'good' : 'neutral';
  const verdictText =
    figure.verdict === 'regression'
      ? 'B slower'
      : figure.verdict === 'improvement'
        ? 'B faster'
        : figure.verdict === 'no-change'
          ? 'no real difference'
          : 'too few turns';
  return h(
    'section',
    { class: 'figure', 'data-figure': figure.figure, 'data-verdict': figure.verdict },
    h(
      'h3',
      {},
      figure.figure === 'voice_to_voice' ? 'voice-to-voice' : figure.figure,
      figure.component === null ? '' : h('small', {}, ` ${figure.component}`),
      ' ',
      h('span', { class: `badge ${verdictClass}` }, verdictText),
    ),
    h(
      'div',
      { class: 'stats' },
      stat('A p50 / p95', `${num(figure.a?.p50)} / ${num(figure.a?.p95)} ms`),
      stat('B p50 / p95', `${num(figure.b?.p50)} / ${num(figure.b?.p95)} ms`),
      stat(
        'median change',
        figure.effectPercent === null ? '–' : `${figure.effectPercent >= 0 ? '+' : ''}${num(figure.effectPercent, 1)}%`,
      ),
      stat(
        'p',
        figure.pValue === null
          ? '–'
          : figure.pValue < 0.001
            ? figure.pValue.toExponential(1)
            : figure.pValue.toFixed(3),
      ),
    ),
    h('p', { class: 'verdict-summary' }, figure.summary),
    figure.histogram.a.length + figure.histogram.b.length === 0
      ? ''
      : histogram(
          [
            { label: 'A', bins: figure.histogram.a, color: A_COLOR },
            { label: 'B', bins: figure.histogram.b, color: B_COLOR },
          ],
          figure.figure === 'voice_to_voice' ? { band: [500, 800] } : {},
        ),
  );
}
