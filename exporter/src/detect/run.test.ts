import { HOUR_MS, addDays, dayStartMs } from '../domain/time';
import { buildFacts, type FactsSink, type FactsWindow, type UsageInput } from './facts';
import { backtestFrom, lookbackDays, runDetection, runWindow, type CrossingAsk } from './run';
import { DEFAULT_SETTINGS } from './settings';
import { CYCLE, USD, day } from './test-fixtures';
import type { Finding } from './types';

// Alice spends $20 a day (two requests) on days 0–20 and $250 (ten requests) on day 21; the run is at 06:00 on day 22.
const usage: UsageInput[] = [
  ...Array.from({ length: 21 }, (_, d) => ({
    day: day(d),
    email: 'alice@x.io',
    model: 'claude-4.5-sonnet',
    spendMicro: 20 * USD,
    requests: 2,
  })),
  { day: day(21), email: 'alice@x.io', model: 'claude-4.5-sonnet', spendMicro: 250 * USD, requests: 10 },
];
const facts = () =>
  buildFacts({
    fromDay: day(0),
    toDay: day(22),
    usage,
    members: [{ email: 'alice@x.io', name: 'Alice' }],
    cycles: [CYCLE],
  });
const NOW = dayStartMs(day(22)) + 6 * HOUR_MS;
const spikeOf = (findings: Finding[]) => findings.find((f) => f.key === 'spend_spike:alice@x.io');

describe('runDetection over facts', () => {
  it('finds the spike, dated to its day when no crossing times are given', () => {
    const result = runDetection(facts(), DEFAULT_SETTINGS, NOW);
    expect(spikeOf(result.findings)).toMatchObject({
      day: day(21),
      value: 250,
      baseline: 20,
      threshold: 80,
      notify: true,
      onsetMs: dayStartMs(day(21)),
    });
    expect(spikeOf(result.findings)?.message).toBe(
      'Alice: daily spend spiked to $250 (12.5× the $20.00 they would usually spend that day) — model: claude-4.5-sonnet',
    );
    expect(result.forecasts.find((f) => f.subject === 'team')?.toDateMicro).toBe(670 * USD);
  });

  it('asks when the alerting day crossed its threshold and dates the onset to that moment', () => {
    const asked: CrossingAsk[][] = [];
    const crossedAt = dayStartMs(day(21)) + 12 * HOUR_MS;
    const result = runDetection(facts(), DEFAULT_SETTINGS, NOW, (asks) => {
      asked.push(asks);
      return asks.map((a) => (a.email === 'alice@x.io' && a.day === day(21) ? crossedAt : null));
    });
    expect(asked).toHaveLength(1);
    // Threshold 4 × $20 = $80.
    expect(asked[0]).toContainEqual({ email: 'alice@x.io', day: day(21), micro: 80 * USD });
    expect(asked[0].every((a) => a.email === 'alice@x.io')).toBe(true);
    expect(spikeOf(result.findings)?.onsetMs).toBe(crossedAt);
  });

  it('keeps the onset when the day never crossed in the events or the time lies before the day', () => {
    expect(
      spikeOf(runDetection(facts(), DEFAULT_SETTINGS, NOW, (asks) => asks.map(() => null)).findings)?.onsetMs,
    ).toBe(dayStartMs(day(21)));
    const before = dayStartMs(day(21)) - HOUR_MS;
    expect(
      spikeOf(runDetection(facts(), DEFAULT_SETTINGS, NOW, (asks) => asks.map(() => before)).findings)?.onsetMs,
    ).toBe(dayStartMs(day(21)));
  });

  it('never dates an onset after the run', () => {
    const later = NOW + HOUR_MS;
    expect(
      spikeOf(runDetection(facts(), DEFAULT_SETTINGS, NOW, (asks) => asks.map(() => later)).findings)?.onsetMs,
    ).toBe(NOW);
  });

  it('returns no findings over empty facts', () => {
    const empty = buildFacts({ fromDay: '2026-02-01', toDay: '2026-03-10', usage: [] });
    expect(runDetection(empty, DEFAULT_SETTINGS, Date.parse('2026-03-10T00:00:00Z'))).toMatchObject({
      findings: [],
      signals: [],
      burn: [],
    });
  });
});

describe('the facts window', () => {
  const lookback = lookbackDays(DEFAULT_SETTINGS);

  it('reaches back the widest detector lookback, or to the cycle start when that is earlier', () => {
    const late = dayStartMs('2026-03-29') + HOUR_MS;
    // The lookback starts in January, before the stored cycle: limits from the cycle stepped back by months.
    expect(runWindow([CYCLE], DEFAULT_SETTINGS, late)).toEqual({
      fromDay: addDays('2026-03-29', -lookback),
      toDay: '2026-03-29',
      limitsFromMs: dayStartMs('2026-01-01'),
      hourlyUntilMs: late,
    });
    const cycle = { startMs: dayStartMs('2026-01-01'), endMs: dayStartMs('2026-04-01') };
    expect(runWindow([cycle], DEFAULT_SETTINGS, late)).toMatchObject({
      fromDay: '2026-01-01',
      limitsFromMs: cycle.startMs,
    });
  });

  it('covers a backtest period plus its lookback, with hourly spend throughout', () => {
    const asked: FactsWindow[] = [];
    // A source with no data: what matters here is the window the backtest asks it for.
    const source = {
      cycles: () => [CYCLE],
      load: (w: FactsWindow, into: FactsSink) => {
        asked.push(w);
        return into.build();
      },
    };
    const result = backtestFrom(source, DEFAULT_SETTINGS, '2026-03-20', '2026-03-25');
    expect(asked).toEqual([
      {
        fromDay: addDays('2026-03-20', -lookback),
        toDay: '2026-03-25',
        limitsFromMs: dayStartMs('2026-01-01'),
        hourlyWholeWindow: true,
      },
    ]);
    expect(result.days.map((d) => d.day)).toEqual([
      '2026-03-20',
      '2026-03-21',
      '2026-03-22',
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
    ]);
    expect(() => backtestFrom(source, DEFAULT_SETTINGS, '2026-03-25', '2026-03-20')).toThrow(
      'backtest period 2026-03-25…2026-03-20 is empty',
    );
  });
});
