// Element builders. Text is always a text node and attributes go through setAttribute, so a string from
// telemetry can never become markup; event handler attributes are refused outright.
type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string | undefined;
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
  /** Set on the element's `dataset`. */
  data?: Record<string, string>;
}

function setAttributes(element: Element, attrs: Props['attrs']): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (/^on/i.test(name) || name.toLowerCase() === 'style') throw new Error(`dom: refusing to set the ${name} attribute`);
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props?.class) element.className = props.class;
  setAttributes(element, props?.attrs);
  for (const [name, value] of Object.entries(props?.data ?? {})) element.dataset[name] = value;
  for (const [type, listener] of Object.entries(props?.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Props['attrs'] = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

/** A link inside the app; the router turns its clicks into History API navigations. */
export function link(path: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { attrs: { href: path } }, ...children);
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** A message for an empty list or a failed load, with what to do next. */
export function notice(kind: 'empty' | 'error' | 'loading', title: string, ...detail: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, attrs: { role: kind === 'error' ? 'alert' : 'status' } }, h('p', { class: 'notice-title' }, title), detail.length > 0 ? h('div', { class: 'notice-detail' }, ...detail) : null);
}

export function code(text: string): HTMLElement {
  return h('code', null, text);
}

/** Arrow keys move focus between the focusable rows of a list; Enter and Space act on the focused row. */
export function keyboardRows(container: HTMLElement, selector: string, activate: (row: HTMLElement) => void): void {
  container.addEventListener('keydown', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>(selector);
    if (row === null || !container.contains(row)) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      activate(row);
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const rows = [...container.querySelectorAll<HTMLElement>(selector)];
    const next = rows[rows.indexOf(row) + (event.key === 'ArrowDown' ? 1 : -1)];
    next?.focus();
  });
}
