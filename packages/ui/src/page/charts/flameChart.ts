import type { FlameNode } from '../../shared/apiTypes';
import { colorOf } from '../colors';
import { h, replace } from '../dom';
import { ms, percent } from '../format';

const ROW = 18;
/** Frames narrower than this are not drawn (their time stays in their parent's width). */
const MIN_PX = 0.5;

interface Placed {
  node: FlameNode;
  x: number;
  w: number;
  depth: number;
}

/**
 * A flame graph (icicle: callers above callees) on a canvas. Each frame's width is its time (only
 * the chosen component's samples when `component` is set), its colour the component most of its
 * time was charged to. Hover names a frame and splits its time by component; a click zooms into
 * it, a click on the top row zooms back out.
 */
export function flameChart(
  root: FlameNode,
  options: { component?: string; label: string },
): { element: HTMLElement; destroy(): void } {
  const canvas = h('canvas', { class: 'flame-canvas' });
  const tip = h('div', { class: 'flame-tip', hidden: true });
  const element = h('div', { class: 'flame', 'data-flame': options.label }, canvas, tip);
  const valueOf = (n: FlameNode) =>
    options.component === undefined ? n.totalMs : (n.components[options.component] ?? 0);
  let focus: FlameNode = root;
  let placed: Placed[] = [];

  const draw = () => {
    const width = Math.max(200, Math.floor(element.clientWidth || 800));
    placed = [];
    if (valueOf(focus) > 0) layout(focus, 0, width, 0);
    const depth = placed.reduce((d, p) => Math.max(d, p.depth), 0) + 1;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = depth * ROW * ratio;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${depth * ROW}px`;
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const p of placed) {
      ctx.fillStyle = colorOf(options.component ?? dominant(p.node));
      ctx.fillRect(p.x, p.depth * ROW, Math.max(MIN_PX, p.w - 1), ROW - 1);
      if (p.w > 40) {
        ctx.fillStyle = '#fff';
        ctx.save();
        ctx.beginPath();
        ctx.rect(p.x, p.depth * ROW, p.w - 2, ROW);
        ctx.clip();
        ctx.fillText(p.node.name, p.x + 3, p.depth * ROW + ROW / 2);
        ctx.restore();
      }
    }
    element.dataset.frames = String(placed.length);
    element.dataset.focus = focus.name;
  };

  const layout = (node: FlameNode, x: number, w: number, depth: number) => {
    if (w < MIN_PX) return;
    placed.push({ node, x, w, depth });
    const value = valueOf(node);
    if (value <= 0) return;
    let at = x;
    for (const child of node.children) {
      const childValue = valueOf(child);
      if (childValue <= 0) continue;
      const childW = (childValue / value) * w;
      layout(child, at, childW, depth + 1);
      at += childW;
    }
  };

  const hit = (event: MouseEvent): Placed | undefined => {
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const depth = Math.floor((event.clientY - rect.top) / ROW);
    return placed.find((p) => p.depth === depth && x >= p.x && x < p.x + p.w);
  };
  canvas.addEventListener('mousemove', (event) => {
    const p = hit(event);
    if (p === undefined) {
      tip.hidden = true;
      return;
    }
    const parts = Object.entries(p.node.components)
      .sort((a, b) => b[1] - a[1])
      .map(([c, v]) => `${c === '' ? 'no component' : c} ${ms(v)}`);
    replace(
      tip,
      h('strong', {}, p.node.name),
      p.node.file === '' ? '' : h('div', { class: 'tip-file' }, `${p.node.file}:${p.node.line}`),
      h(
        'div',
        {},
        `total ${ms(p.node.totalMs)} (${percent(p.node.totalMs / Math.max(1e-9, root.totalMs))}) · self ${ms(p.node.selfMs)}`,
      ),
      h('div', {}, parts.join(' · ')),
    );
    tip.hidden = false;
    tip.style.left = `${Math.min(event.offsetX + 12, element.clientWidth - 260)}px`;
    tip.style.top = `${event.offsetY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  canvas.addEventListener('click', (event) => {
    const p = hit(event);
    if (p === undefined) return;
    focus = p.node === focus ? root : p.node;
    draw();
  });
  const resize = new ResizeObserver(() => draw());
  resize.observe(element);
  draw();
  return { element, destroy: () => resize.disconnect() };
}

/** The component most of a frame's time was charged to ('' when none). */
function dominant(node: FlameNode): string {
  let best = '';
  let most = -1;
  for (const [component, value] of Object.entries(node.components)) {
    if (value > most) {
      best = component;
      most = value;
    }
  }
  return best;
}
