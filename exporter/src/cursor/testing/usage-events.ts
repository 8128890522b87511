/** A raw Cursor usage event (one billed request) and a page of them, as /teams/filtered-usage-events answers. */
export const usageEvent = (ts: number, extra: Record<string, unknown> = {}) => ({
  timestamp: String(ts),
  userEmail: 'Ann@Example.com',
  model: 'claude-4-sonnet',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 1.5,
  isTokenBasedCall: true,
  tokenUsage: { inputTokens: 100, outputTokens: 20, cacheWriteTokens: 3, cacheReadTokens: 4, totalCents: 1.25 },
  chargedCents: 1.5,
  isChargeable: true,
  ...extra,
});

export const usageEventsPage = (events: unknown[]) =>
  JSON.stringify({ totalUsageEventsCount: events.length, usageEvents: events });
