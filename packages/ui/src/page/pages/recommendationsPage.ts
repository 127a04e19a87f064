import type { Recommendation, RecommendationsResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { h, replace, table } from '../dom';
import { missingNote, serviceText, windowText } from './common';
import type { PageFactory } from './page';

/** Recommendations: what the optimizer finds in the recorded data, each with its evidence. */
export const recommendationsPage: PageFactory = (root, { filters }) => ({
  databases: ['performance_metrics'],
  async load() {
    const data = await getJson<RecommendationsResponse>('/api/recommendations', {
      minutes: filters.minutes,
      service: filters.service,
    });
    const report = data.report;
    replace(
      root,
      h(
        'h2',
        {},
        'Recommendations ',
        h(
          'small',
          {},
          `${report === null ? `last ${filters.minutes} min` : windowText(report.window, filters.minutes)} · ${serviceText(filters.service)}`,
        ),
      ),
      missingNote(data) ?? '',
      report === null
        ? ''
        : report.recommendations.length === 0
          ? h('p', { class: 'note good', 'data-empty': '' }, 'Nothing to recommend from the recorded data.')
          : h('div', { class: 'recommendations' }, ...report.recommendations.map(card)),
      report === null || report.notes.length === 0
        ? ''
        : h('div', { class: 'notes' }, h('h3', {}, 'Notes'), h('ul', {}, ...report.notes.map((n) => h('li', {}, n)))),
    );
  },
});

function card(r: Recommendation): HTMLElement {
  const evidence = Object.entries(r.evidence).map(([key, value]) => [key, evidenceText(value)]);
  return h(
    'section',
    { class: 'recommendation', 'data-recommendation': r.id },
    h('h3', {}, h('span', { class: `badge ${r.priority}` }, r.priority), ` ${r.component} · ${r.kind}`),
    h('p', {}, r.description),
    h('p', {}, h('strong', {}, 'Expected: '), r.expectedImprovement, h('small', {}, ` (${r.improvementBasis})`)),
    table(['evidence', 'value'], evidence, { className: 'grid evidence' }),
  );
}

function evidenceText(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  if (value !== null && typeof value === 'object' && 'value' in value) {
    const f = value as { value: unknown; unit?: string; basis?: string };
    const v = typeof f.value === 'number' ? Number(f.value.toPrecision(4)) : f.value;
    return `${String(v)} ${f.unit ?? ''}${f.basis === undefined ? '' : ` (${f.basis})`}`;
  }
  return String(value);
}
