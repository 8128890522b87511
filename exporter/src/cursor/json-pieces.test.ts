import { parseJsonBytes } from './json-pieces';

/** A usage-events-shaped page of n events, with strings that look like the cut `},{"`. */
function page(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
  return {
    totalUsageEventsCount: n,
    pagination: { numPages: 1, currentPage: 1, pageSize: n, hasNextPage: false },
    usageEvents: Array.from({ length: n }, (_, i) => ({
      timestamp: String(1_760_000_000_000 + i),
      userEmail: `dev${i % 37}@example.com`,
      model: i % 5 === 0 ? 'claude-4.5-sonnet-thinking' : 'gpt-5',
      kind: 'Included in Business',
      tokenUsage: { inputTokens: i, outputTokens: 2 * i, totalCents: i / 100 },
      note: i % 11 === 0 ? 'ends like a cut },{' : i % 13 === 0 ? 'quoted \\"},{"x":1} inside' : 'é ü 日本',
      ...extra(i),
    })),
    period: { startDate: 1, endDate: 2 },
  };
}

const bytes = (v: unknown, space?: number) => Buffer.from(JSON.stringify(v, null, space));

/** Every string JSON.parse was handed while `fn` ran. */
function parsedStrings(fn: () => unknown): { result: unknown; lengths: number[] } {
  const spy = jest.spyOn(JSON, 'parse');
  try {
    const result = fn();
    return { result, lengths: spy.mock.calls.map((c) => String(c[0]).length) };
  } finally {
    spy.mockRestore();
  }
}

describe('parseJsonBytes', () => {
  it("returns JSON.parse's value for a large page, parsed from strings of 128 KB or less", () => {
    const body = bytes(page(3000));
    expect(body.length).toBeGreaterThan(500_000);
    const { result, lengths } = parsedStrings(() => parseJsonBytes(body));
    expect(result).toEqual(JSON.parse(body.toString('utf8')));
    expect(lengths.length).toBeGreaterThan(5);
    expect(Math.max(...lengths)).toBeLessThan(128 * 1024);
  });

  it('cuts between elements only, past `},{"` inside strings and inside elements', () => {
    // Every element holds a string ending in the cut's first bytes and an array of objects, so the
    // search for the cut lands inside them before it reaches a boundary between elements.
    const tricky = page(2000, (i) => ({ parts: [{ a: i }, { b: i }], tail: `y},{` }));
    const body = bytes(tricky);
    const { result, lengths } = parsedStrings(() => parseJsonBytes(body));
    expect(result).toEqual(tricky);
    expect(Math.max(...lengths)).toBeLessThan(128 * 1024);
  });

  it('parses whole what it cannot cut: pretty-printed, no array near the start, a top-level array, a duplicate key', () => {
    const p = page(2000);
    for (const body of [
      bytes(p, 2),
      bytes({ padding: 'x'.repeat(5000), ...p }),
      bytes(p.usageEvents),
      Buffer.from(`${bytes(p).toString('utf8').slice(0, -1)},"usageEvents":[]}`),
    ]) {
      expect(parseJsonBytes(body)).toEqual(JSON.parse(body.toString('utf8')));
    }
  });

  it("throws JSON.parse's own error for a body cut in the middle", () => {
    const body = bytes(page(2000));
    const cut = body.subarray(0, Math.floor(body.length * 0.7));
    expect(() => parseJsonBytes(cut)).toThrow(SyntaxError);
    let expected = '';
    try {
      JSON.parse(cut.toString('utf8'));
    } catch (err) {
      expected = (err as Error).message;
    }
    expect(() => parseJsonBytes(cut)).toThrow(expected);
  });

  it('parses small bodies whole', () => {
    const body = bytes(page(10));
    const { result, lengths } = parsedStrings(() => parseJsonBytes(body));
    expect(result).toEqual(JSON.parse(body.toString('utf8')));
    expect(lengths).toEqual([body.toString('utf8').length]);
  });
});
