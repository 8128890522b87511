// Jest setup provided by Grafana scaffolding, for the jsdom tests; the browser test runs in node
// (playwright-core does not load under jsdom) and needs none of it.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');

  // jsdom has no layout and no IntersectionObserver; @grafana/ui's Select menu (ScrollIndicators)
  // observes its scroll edges. An observer that never reports matches a page that never lays out.
  class IntersectionObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  }
  Object.assign(global, { IntersectionObserver });
}
