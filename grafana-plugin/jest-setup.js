// Jest setup provided by Grafana scaffolding, for the jsdom tests; the browser test runs in node
// (playwright-core does not load under jsdom) and needs none of it.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');

  // jsdom has no layout and no IntersectionObserver; @grafana/ui's menus (ScrollIndicators)
  // observe their scroll edges. An observer that never reports matches a page that never lays out.
  class IntersectionObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  }
  Object.assign(global, { IntersectionObserver });

  // Combobox sizes its menu from measured text and virtualises its options from element sizes;
  // jsdom has neither canvas nor layout: text is 8px a character, a box 1000×1000, an option 32px high.
  HTMLCanvasElement.prototype.getContext = () => ({ font: '', measureText: (text) => ({ width: text.length * 8 }) });
  for (const [prop, px] of [
    ['clientWidth', 1000],
    ['clientHeight', 1000],
    ['offsetWidth', 1000],
    ['offsetHeight', 32],
  ]) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => px });
  }
}
