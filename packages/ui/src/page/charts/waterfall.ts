import type { TraceResponse, WaterfallSpan } from '../../shared/apiTypes';
import { colorOf, ERROR_COLOR, stageColor } from '../colors';
import { h, replace, table } from '../dom';
import { ms, num } from '../format';
import { ticks } from './histogram';

/**
 * A trace as a waterfall: one row per span (nested by depth, errors red), the critical path as a
 * dark stripe in the bars it runs through, the turn's marks as ticks with lines down the rows and
 * its stages as a band above them. Clicking a row shows the span's attributes and events.
 */
export function waterfall(data: TraceResponse): HTMLElement {
  const { trace } = data;
  const startUs = Math.min(trace.startUs, ...data.marks.map((m) => m.timeUs), ...data.stages.map((s) => s.startUs));
  const endUs = Math.max(
    trace.startUs + trace.durationMs * 1000,
    ...data.marks.map((m) => m.timeUs),
    ...data.stages.map((s) => s.endUs),
  );
  const spanUs = Math.max(1, endUs - startUs);
  const pct = (us: number) => `${(((us - startUs) / spanUs) * 100).toFixed(3)}%`;
  const width = (us: number) => `${Math.max(0.15, (us / spanUs) * 100).toFixed(3)}%`;

  const axis = h('div', { class: 'wf-track wf-axis' });
  for (const tick of ticks(spanUs / 1000, 8)) {
    const label = h('span', { class: 'wf-tick' }, `${tick} ms`);
    label.style.left = pct(startUs + tick * 1000);
    axis.append(label);
  }
  // Marks: a label each in a row of their own (close ones on staggered lines), and a line down the
  // rows below.
  const markLayer = h('div', { class: 'wf-marks' });
  const labels = h('div', { class: 'wf-track wf-mark-labels' });
  const sorted = [...data.marks].sort((a, b) => a.timeUs - b.timeUs);
  // Each label on the first line where it does not run into the one before (a label's width
  // estimated as a share of a ~1000 px track: 0.6% a character).
  const lineEnds: number[] = [];
  for (const mark of sorted) {
    const at = (mark.timeUs - startUs) / spanUs;
    let line = lineEnds.findIndex((end) => end <= at);
    if (line === -1) line = lineEnds.length;
    lineEnds[line] = at + 0.006 * (mark.name.length + 1);
    const title = `${mark.name} at +${ms((mark.timeUs - trace.startUs) / 1000)}`;
    const tick = h('span', { class: 'wf-mark', 'data-mark': mark.name, title });
    tick.style.left = pct(mark.timeUs);
    markLayer.append(tick);
    const label = h('span', { class: 'wf-mark-label', title }, mark.name);
    label.style.left = pct(mark.timeUs);
    label.style.top = `${2 + line * 12}px`;
    labels.append(label);
  }
  const labelsHeight = Math.max(1, lineEnds.length) * 12 + 6;
  labels.style.height = `${labelsHeight}px`;
  // The lines start below the labels' row (the axis row above it is 24 px, each row has a 1 px rule).
  markLayer.style.top = `${24 + 1 + labelsHeight + 1}px`;
  const rows = h('div', { class: 'wf-rows' });
  rows.append(h('div', { class: 'wf-row wf-head' }, h('div', { class: 'wf-name' }, 'span'), axis));
  if (sorted.length > 0)
    rows.append(h('div', { class: 'wf-row wf-markrow' }, h('div', { class: 'wf-name' }, 'turn marks'), labels));
  if (data.stages.length > 0) {
    const band = h('div', { class: 'wf-track' });
    for (const stage of data.stages) {
      const seg = h(
        'span',
        { class: 'wf-stage', 'data-stage': stage.stage, title: `${stage.stage}: ${ms(stage.ms)}` },
        stage.stage,
      );
      seg.style.left = pct(stage.startUs);
      seg.style.width = width(stage.endUs - stage.startUs);
      seg.style.background = stageColor(stage.stage, stage.component);
      band.append(seg);
    }
    rows.append(h('div', { class: 'wf-row wf-stages' }, h('div', { class: 'wf-name' }, 'turn stages'), band));
  }
  const critical = new Map<string, { startUs: number; endUs: number }[]>();
  for (const seg of data.criticalPath) {
    const list = critical.get(seg.spanId) ?? [];
    list.push(seg);
    critical.set(seg.spanId, list);
  }
  const details = h('div', { class: 'wf-details', hidden: true });
  for (const span of trace.spans) {
    const bar = h('span', {
      class: `wf-bar${span.error ? ' error' : ''}`,
      title: `${span.name}: ${ms(span.durationMs)} at +${ms(span.offsetMs)}`,
    });
    bar.style.left = pct(span.startUs);
    bar.style.width = width(span.endUs - span.startUs);
    bar.style.background = span.error ? ERROR_COLOR : colorOf(span.component);
    const track = h('div', { class: 'wf-track' }, bar);
    for (const seg of critical.get(span.spanId) ?? []) {
      const stripe = h('span', {
        class: 'wf-critical',
        title: `critical path: ${ms((seg.endUs - seg.startUs) / 1000)}`,
      });
      stripe.style.left = pct(seg.startUs);
      stripe.style.width = width(seg.endUs - seg.startUs);
      track.append(stripe);
    }
    const name = h(
      'div',
      { class: 'wf-name', title: span.name },
      h('span', { class: `wf-label${span.error ? ' error' : ''}` }, span.name),
      h('small', {}, ` ${num(span.durationMs)} ms`),
    );
    name.style.paddingLeft = `${4 + span.depth * 14}px`;
    const row = h(
      'div',
      {
        class: `wf-row wf-span${span.error ? ' error' : ''}`,
        'data-span-id': span.spanId,
        tabindex: 0,
        role: 'button',
      },
      name,
      track,
    );
    const open = () => {
      for (const r of rows.querySelectorAll('.wf-row.selected')) r.classList.remove('selected');
      row.classList.add('selected');
      replace(details, spanDetails(span, trace.startUs));
      details.hidden = false;
    };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') open();
    });
    rows.append(row);
  }
  return h('div', { class: 'waterfall' }, h('div', { class: 'wf-body' }, rows, markLayer), details);
}

function spanDetails(span: WaterfallSpan, traceStartUs: number): HTMLElement {
  const attributes = Object.entries(span.attributes).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : JSON.stringify(v),
  ]);
  const facts: [string, string][] = [
    ['span id', span.spanId],
    ['component / operation', `${span.component ?? '–'} / ${span.operation ?? '–'}`],
    ['service', span.serviceName ?? '–'],
    ['start', `+${ms(span.offsetMs)}`],
    ['duration', ms(span.durationMs)],
    [
      'status',
      span.error
        ? `error${span.errorType === null ? '' : ` (${span.errorType})`}${span.statusMessage === null ? '' : `: ${span.statusMessage}`}`
        : 'ok',
    ],
  ];
  return h(
    'div',
    { class: 'span-details', 'data-span-id': span.spanId },
    h('h3', {}, span.name),
    table(['', ''], facts, { className: 'facts' }),
    h('h4', {}, `attributes (${attributes.length})`),
    attributes.length === 0
      ? h('p', { class: 'note' }, 'none')
      : table(['key', 'value'], attributes, { className: 'grid attributes' }),
    h('h4', {}, `events (${span.events.length})`),
    span.events.length === 0
      ? h('p', { class: 'note' }, 'none')
      : table(
          ['event', 'at', 'attributes'],
          span.events.map((e) => [
            e.name,
            `+${ms((e.time_us - traceStartUs) / 1000)}`,
            e.attributes === undefined ? '' : JSON.stringify(e.attributes),
          ]),
          { className: 'grid events' },
        ),
  );
}
