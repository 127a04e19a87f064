import type { OverTimeResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { timeChart, type TimeSeries } from '../charts/timeChart';
import { colorOf } from '../colors';
import { h, replace } from '../dom';
import { bytes, num } from '../format';
import { missingNote, serviceText, windowText } from './common';
import type { PageFactory } from './page';

/**
 * Over time: per component p95 and p50 latency, operations and errors (from the per-minute rollup),
 * voice-to-voice, and the processes' CPU, memory and event-loop delay, every chart on the same
 * time axis (their cursors move together).
 */
export const overTimePage: PageFactory = (root, { filters }) => {
  let charts: { destroy(): void }[] = [];
  const free = () => {
    for (const c of charts) c.destroy();
    charts = [];
  };
  return {
    databases: ['performance_metrics'],
    async load() {
      const data = await getJson<OverTimeResponse>('/api/over-time', {
        minutes: filters.minutes,
        service: filters.service,
      });
      free();
      replace(root, ...render(data));
    },
    dispose: free,
  };

  function chart(...args: Parameters<typeof timeChart>): HTMLElement {
    const c = timeChart(...args);
    charts.push(c);
    return c.element;
  }

  function render(data: OverTimeResponse): (Node | string)[] {
    const { components, turns, resources } = data;
    const times = components.timesUs;
    const step = components.stepMinutes;
    const perComponent = (
      pick: (c: OverTimeResponse['components']['components'][number]) => (number | null)[],
    ): TimeSeries[] =>
      components.components.map((c) => ({ label: c.component, values: pick(c), color: colorOf(c.component) }));
    const msFormat = (v: number) => `${num(v)} ms`;
    const sampled = turns.sampled.filter(Boolean).length;
    const processes = resources.processes;
    const processLabel = (p: (typeof processes)[number]) =>
      `pid ${p.pid ?? '?'}${p.serviceName === null ? '' : ` ${p.serviceName}`}`;
    const perProcess = (pick: (p: (typeof processes)[number]) => (number | null)[], scale = 1): TimeSeries[] =>
      processes.map((p, i) => ({
        label: processLabel(p),
        values: pick(p).map((v) => (v === null ? null : v * scale)),
        color: `hsl(${(i * 67) % 360}, 55%, 45%)`,
      }));
    const body: (Node | string)[] = [
      h(
        'h2',
        {},
        'Over time ',
        h(
          'small',
          {},
          `${windowText(data.window, filters.minutes)} · ${serviceText(data.service)} · ${step === 1 ? 'per minute' : `per ${step} minutes`}`,
        ),
      ),
    ];
    const missing = missingNote(data);
    if (missing !== null) body.push(missing);
    if (times.length === 0) return body;
    body.push(
      h(
        'div',
        { class: 'charts' },
        chart(
          'p95 latency per component',
          times,
          perComponent((c) => c.p95Ms),
          { format: msFormat },
        ),
        chart(
          'p50 latency per component',
          times,
          perComponent((c) => c.p50Ms),
          { format: msFormat },
        ),
        chart(
          `operations per ${step === 1 ? 'minute' : `${step} minutes`}`,
          times,
          perComponent((c) => c.count),
          { format: (v) => num(v, 0) },
        ),
        chart(
          'failed operations',
          times,
          perComponent((c) => c.errors),
          { format: (v) => num(v, 0) },
        ),
        chart(
          'voice-to-voice',
          turns.timesUs,
          [
            { label: 'p95', values: turns.p95Ms, color: colorOf('pipeline') },
            { label: 'p50', values: turns.p50Ms, color: colorOf('pipeline'), dashed: true },
          ],
          { format: msFormat },
        ),
        chart(
          'process CPU (1 = one core)',
          resources.timesUs,
          perProcess((p) => p.cpuUtilization),
          { format: (v) => num(v, 2) },
        ),
        chart(
          'RSS',
          resources.timesUs,
          perProcess((p) => p.rssBytes),
          { format: bytes },
        ),
        chart(
          'V8 heap used',
          resources.timesUs,
          perProcess((p) => p.heapUsedBytes),
          { format: bytes },
        ),
        chart(
          'event-loop delay p99',
          resources.timesUs,
          perProcess((p) => p.eventLoopDelayP99Ms),
          { format: msFormat },
        ),
      ),
    );
    if (sampled > 0) {
      body.push(
        h(
          'p',
          { class: 'note' },
          `Voice-to-voice: ${sampled} step(s) held more than ${turns.perStep} turns; their first ${turns.perStep} were read.`,
        ),
      );
    }
    return body;
  }
};
