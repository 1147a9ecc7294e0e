// Client-side routing with the History API: in-app links navigate without a reload, each page gets an
// AbortSignal that fires when the user leaves it (which stops its fetches and its polling).

export interface PageContext {
  readonly main: HTMLElement;
  readonly param: string;
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
}

export interface Page {
  readonly tab: string;
  readonly title: string;
  render(context: PageContext): void;
}

interface Route {
  readonly prefix: string;
  readonly exact: boolean;
  readonly page: Page;
}

let navigateTo: ((path: string, replace: boolean) => void) | undefined;

/** Navigate from anywhere in the app (a row's Enter key, a form's submit). */
export function go(path: string, replace = false): void {
  if (navigateTo === undefined) location.assign(path);
  else navigateTo(path, replace);
}

export class AppRouter {
  readonly #routes: Route[] = [];
  readonly #main: HTMLElement;
  #current: AbortController | undefined;

  constructor(main: HTMLElement) {
    this.#main = main;
  }

  add(path: string, page: Page): this {
    const colon = path.lastIndexOf('/:');
    this.#routes.push(colon >= 0 ? { prefix: path.slice(0, colon + 1), exact: false, page } : { prefix: path, exact: true, page });
    return this;
  }

  start(): void {
    navigateTo = (path, replace) => this.navigate(path, replace);
    window.addEventListener('popstate', () => this.#render());
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element).closest('a');
      if (anchor === null || anchor.target !== '' || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, location.href);
      if (url.origin !== location.origin || this.#match(url.pathname) === undefined) return;
      event.preventDefault();
      this.navigate(url.pathname + url.search);
    });
    this.#render();
  }

  /** Go to an in-app path; `replace` rewrites the current entry (a page updating its own filters). */
  navigate(path: string, replace = false): void {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.#render();
  }

  #match(pathname: string): { page: Page; param: string } | undefined {
    for (const route of this.#routes) {
      if (route.exact) {
        if (pathname === route.prefix) return { page: route.page, param: '' };
        continue;
      }
      if (!pathname.startsWith(route.prefix)) continue;
      const rest = pathname.slice(route.prefix.length);
      if (rest === '' || rest.includes('/')) continue;
      try {
        return { page: route.page, param: decodeURIComponent(rest) };
      } catch {
        continue;
      }
    }
    return undefined;
  }

  #render(): void {
    this.#current?.abort();
    const controller = new AbortController();
    this.#current = controller;
    const matched = this.#match(location.pathname);
    for (const tab of document.querySelectorAll<HTMLAnchorElement>('[data-tab]')) {
      if (matched !== undefined && tab.dataset.tab === matched.page.tab) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    this.#main.replaceChildren();
    if (matched === undefined) {
      document.title = 'Not found · Threadline';
      const message = document.createElement('p');
      message.className = 'notice notice-error';
      message.textContent = `No page at ${location.pathname}.`;
      this.#main.append(message);
      return;
    }
    document.title = `${matched.page.title} · Threadline`;
    matched.page.render({ main: this.#main, param: matched.param, query: new URLSearchParams(location.search), signal: controller.signal });
  }
}
