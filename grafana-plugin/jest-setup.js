// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

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
