import type { TraceResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { stageBar } from '../charts/stageBar';
import { waterfall } from '../charts/waterfall';
import { h, replace, stat } from '../dom';
import { clock, ms } from '../format';
import { hashOf } from '../router';
import type { PageFactory } from './page';

/**
 * One trace (a turn, or any trace): its waterfall with the critical path, the turn's marks and
 * stages, each span's attributes and events on click, and links to the profiles that cover it.
 */
export const tracePage: PageFactory = (root, { route }) => ({
  // A finished trace does not change: not redrawn by itself.
  databases: [],
  async load() {
    const traceId = route.id ?? '';
    const data = await getJson<TraceResponse>(`/api/traces/${encodeURIComponent(traceId)}`);
    replace(root, ...render(data));
  },
});

function render(data: TraceResponse): (Node | string)[] {
  const { trace, turn } = data;
  const criticalMs = data.criticalPath.reduce((sum, s) => sum + (s.endUs - s.startUs) / 1000, 0);
  return [
    h('h2', {}, 'Trace ', h('small', { class: 'mono' }, trace.traceId)),
    h(
      'div',
      { class: 'stats' },
      stat('started', clock(trace.startUs)),
      stat('duration', ms(trace.durationMs)),
      stat('spans', String(trace.spanCount)),
      stat('errors', String(trace.errorCount)),
      stat('critical path', ms(criticalMs), 'time the trace waited on, span by span (as Jaeger shows it)'),
      turn === null ? '' : stat('voice-to-voice', ms(turn.voiceToVoiceMs)),
      turn === null || turn.interruptions === 0 ? '' : stat('interruptions', String(turn.interruptions)),
    ),
    turn === null
      ? ''
      : h(
          'div',
          { class: 'turn-summary' },
          h('h3', {}, 'Turn'),
          stageBar(turn.stages, Math.max(1, turn.voiceToVoiceMs ?? turn.stages.reduce((s, x) => s + (x.ms ?? 0), 0))),
          h('p', { class: 'stage-list' }, turn.stages.map((s) => `${s.stage} ${ms(s.ms)}`).join(' · ')),
        ),
    profilesSection(data),
    h(
      'h3',
      {},
      'Waterfall ',
      h(
        'small',
        {},
        'dark stripes: the critical path; ticks: the turn’s marks; click a span for its attributes and events',
      ),
    ),
    waterfall(data),
  ];
}

function profilesSection(data: TraceResponse): Node | string {
  if (data.profiles.length === 0) {
    return h('p', { class: 'note', 'data-profiles': '0' }, 'No profile covers this trace.');
  }
  return h(
    'div',
    { class: 'covering', 'data-profiles': String(data.profiles.length) },
    h('h3', {}, 'Profiles covering it'),
    h(
      'ul',
      {},
      ...data.profiles.map((p) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: hashOf('profile', String(p.id)), 'data-profile': String(p.id) },
            `${p.kind ?? 'profile'} profile #${p.id}`,
          ),
          ` ${p.component ?? ''}${p.operation === null || p.operation === 'process' ? '' : ` / ${p.operation}`} · ${ms(p.durationMs)} · ${p.covers === 'whole' ? 'the whole trace' : 'part of the trace'}`,
        ),
      ),
    ),
  );
}
