/** Small DOM helpers: the page builds its elements with `h`, never from HTML strings. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;

/** An element with attributes (`on…` keys are listeners, `class`/`data-*`/… set as attributes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, the same way. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A table from rows of cells (strings or nodes); numeric columns right-aligned by `numeric`. */
export function table(
  headers: string[],
  rows: Child[][],
  options: { numeric?: number[]; className?: string } = {},
): HTMLTableElement {
  const numeric = new Set(options.numeric ?? []);
  return h(
    'table',
    { class: options.className ?? 'grid' },
    h('thead', {}, h('tr', {}, ...headers.map((t, i) => h('th', { class: numeric.has(i) ? 'num' : undefined }, t)))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h('tr', {}, ...row.map((c, i) => h('td', { class: numeric.has(i) ? 'num' : undefined }, c))),
      ),
    ),
  );
}

/** A labelled figure: a big number with its caption. */
export function stat(label: string, value: string, title?: string): HTMLElement {
  return h(
    'div',
    { class: 'stat', title },
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-label' }, label),
  );
}

/** A note in muted text. */
export function note(text: string, className = 'note'): HTMLElement {
  return h('p', { class: className }, text);
}
