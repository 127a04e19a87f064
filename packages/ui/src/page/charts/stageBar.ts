import { stageColor } from '../colors';
import { h } from '../dom';
import { ms } from '../format';

export interface BarStage {
  stage: string;
  component: string;
  ms: number | null;
}

/**
 * A turn's stages as one stacked bar, `scaleMs` the full width (shared by the rows of a list, so
 * bars compare). Whatever stages the turn lists are drawn, in its order; a stage without a time
 * (a mark missing) is left out, and the bar says the turn is incomplete.
 */
export function stageBar(stages: readonly BarStage[], scaleMs: number): HTMLElement {
  const bar = h('div', { class: 'stagebar' });
  let complete = true;
  for (const stage of stages) {
    if (stage.ms === null) {
      complete = false;
      continue;
    }
    const seg = h('span', {
      class: 'seg',
      'data-stage': stage.stage,
      title: `${stage.stage} (${stage.component}): ${ms(stage.ms)}`,
    });
    seg.style.width = `${Math.max(0, (stage.ms / scaleMs) * 100)}%`;
    seg.style.background = stageColor(stage.stage, stage.component);
    bar.append(seg);
  }
  if (!complete) bar.classList.add('incomplete');
  return bar;
}

/** The legend of a set of stages: a swatch and the name of each. */
export function stageLegend(stages: readonly { stage: string; component: string }[]): HTMLElement {
  return h(
    'div',
    { class: 'legend' },
    ...stages.map((s) => {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = stageColor(s.stage, s.component);
      return h(
        'span',
        { class: 'legend-item', 'data-stage': s.stage },
        swatch,
        `${s.stage} `,
        h('small', {}, s.component),
      );
    }),
  );
}
