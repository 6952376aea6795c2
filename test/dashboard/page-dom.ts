/**
 * The little of the DOM that the tests' page-side callbacks (page.evaluate, waitForFunction)
 * use, typed for Node's type-check, which has no DOM library (adding it to the whole project
 * would change the types of Node code such as setTimeout). Each test file declares the page's
 * globals it needs with these types; the callbacks themselves run in the browser.
 */

/** A rectangle on the page. */
export interface PageRect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}

/** An element of the page. */
export interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly innerText?: string;
  readonly outerHTML: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly classList: { contains(name: string): boolean };
  value?: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): PageRect;
  dispatchEvent(event: unknown): boolean;
}

/** The page's document. */
export interface PageDocument {
  readonly activeElement: PageElement | null;
  readonly documentElement: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}

/** Computed style, as far as the tests read it. */
export interface PageStyle {
  readonly stroke: string;
  readonly strokeDasharray: string;
  readonly fontSize: string;
  readonly backgroundColor: string;
}

/** An event constructor of the page (`new MouseEvent('click', { bubbles: true })`). */
export type PageEventConstructor = new (type: string, init?: { bubbles?: boolean }) => unknown;
