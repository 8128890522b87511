import type { UsageEvent } from './records';
import { eventHash, repeatKey } from './event-key';

const base: UsageEvent = {
  timestampMs: 1_773_156_549_886,
  email: 'a@x.io',
  model: 'gpt-5',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 1.5,
  isTokenBasedCall: true,
  inputTokens: 10,
  outputTokens: 5,
  cacheWriteTokens: 1,
  cacheReadTokens: 2,
  tokenMicro: 900,
  chargedMicro: 1000,
  cursorFeeMicro: 100,
  isChargeable: true,
  isHeadless: false,
  conversationId: 'c-1',
};

describe('eventHash', () => {
  it('is a non-negative safe integer, equal for equal events', () => {
    const h = eventHash(base);
    expect(Number.isSafeInteger(h)).toBe(true);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(eventHash({ ...base })).toBe(h);
  });

  // Every field on its own must change the hash, including changes a sloppy encoding would lose:
  // fractions, bits above 32, a string moving from one field into the next, null versus ''.
  it.each<[string, Partial<UsageEvent>]>([
    ['timestamp + 1 ms', { timestampMs: base.timestampMs + 1 }],
    ['email', { email: 'b@x.io' }],
    ['model', { model: 'gpt-5-mini' }],
    ['kind', { kind: 'Included in Business' }],
    ['maxMode', { maxMode: true }],
    ['requestsCosts fraction', { requestsCosts: 1.25 }],
    ['isTokenBasedCall', { isTokenBasedCall: false }],
    ['inputTokens', { inputTokens: 11 }],
    ['outputTokens', { outputTokens: 6 }],
    ['cacheWriteTokens', { cacheWriteTokens: 2 }],
    ['cacheReadTokens', { cacheReadTokens: 3 }],
    ['tokenMicro', { tokenMicro: 901 }],
    ['chargedMicro above 32 bits', { chargedMicro: 1000 + 2 ** 32 }],
    ['cursorFeeMicro', { cursorFeeMicro: 101 }],
    ['isChargeable', { isChargeable: false }],
    ['isHeadless', { isHeadless: true }],
    ['conversationId', { conversationId: 'c-2' }],
    ['conversationId null', { conversationId: null }],
    ['conversationId empty', { conversationId: '' }],
    ['text moved between fields', { email: 'a@x.iog', model: 'pt-5' }],
    ['odd-length string', { model: 'gpt-5o' }],
  ])('changes with %s', (_name, change) => {
    expect(eventHash({ ...base, ...change })).not.toBe(eventHash(base));
  });

  it('tells apart a large set of similar events', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50_000; i++) {
      seen.add(eventHash({ ...base, timestampMs: base.timestampMs + (i % 100), inputTokens: i, chargedMicro: i * 7 }));
    }
    expect(seen.size).toBe(50_000);
  });
});

describe('repeatKey', () => {
  it('gives each repeat of one event its own key, none equal to the hash itself', () => {
    const h = eventHash(base);
    const keys = [h, repeatKey(h, 1), repeatKey(h, 2)];
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((k) => Number.isSafeInteger(k) && k >= 0)).toBe(true);
    expect(repeatKey(h, 1)).toBe(repeatKey(eventHash({ ...base }), 1));
  });
});
