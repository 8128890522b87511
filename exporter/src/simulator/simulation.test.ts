import { DAY_MS, HOUR_MS, addDays, dayStartMs } from '../domain/time';
import { INCLUDED_ALLOWANCE_CENTS } from './catalog';
import { createSimulation, type Simulation } from './simulation';

const END = '2026-03-10';
const LATER = dayStartMs(END) + 10 * DAY_MS; // everything has arrived

describe('generation is deterministic', () => {
  const a = createSimulation({ seed: 42, users: 40, endDay: END });
  const b = createSimulation({ seed: 42, users: 40, endDay: END });
  const c = createSimulation({ seed: 43, users: 40, endDay: END });

  it('same seed → identical members, events, spend and ground truth', () => {
    expect(b.members).toEqual(a.members);
    expect(b.groundTruth).toEqual(a.groundTruth);
    for (const day of ['2026-02-01', '2026-03-04', END]) expect(b.eventsForDay(day)).toEqual(a.eventsForDay(day));
    const email = a.members[0].email;
    expect(b.expected.cycleSpend(email, LATER)).toEqual(a.expected.cycleSpend(email, LATER));
  });

  it('a different seed gives a different team and different events', () => {
    expect(c.members.map((m) => m.email)).not.toEqual(a.members.map((m) => m.email));
    expect(c.eventsForDay('2026-03-04')).not.toEqual(a.eventsForDay('2026-03-04'));
  });

  it('random access: a day alone equals the same day after generating others, in any order', () => {
    const fresh = createSimulation({ seed: 42, users: 40, endDay: END });
    const direct = fresh.eventsForDay('2026-03-09');
    expect(direct).toEqual(a.eventsForDay('2026-03-09'));
    const m = a.members.find((x) => a.eventsForUserDay(x.email, '2026-03-09').length > 0)!;
    expect(fresh.eventsForUserDay(m.email, '2026-03-09')).toEqual(direct.filter((e) => e.userEmail === m.email));
  });
});

describe('team and usage shape', () => {
  const sim = createSimulation({ seed: 3, users: 200, endDay: END, scenario: 'none' });

  it('has owners, removed members, user_ ids, Parent > Team groups and unique emails', () => {
    expect(sim.members.filter((m) => m.role === 'owner').length).toBeGreaterThanOrEqual(2);
    expect(sim.members.some((m) => m.isRemoved)).toBe(true);
    expect(sim.members.every((m) => /^user_[A-Za-z0-9]{26}$/.test(m.id))).toBe(true);
    expect(new Set(sim.members.map((m) => m.email)).size).toBe(200);
    expect(sim.groups.every((g) => / > /.test(g.name))).toBe(true);
    expect(sim.groundTruth).toEqual([]);
  });

  it('has never-active seats and seats inactive for 30+ days', () => {
    const lastActivity = (email: string) => {
      for (let d = END; d >= sim.startDay; d = addDays(d, -1)) if (sim.eventsForUserDay(email, d).length > 0) return d;
      return null;
    };
    const never = sim.members.filter((m) => m.neverActive);
    const quiet = sim.members.filter((m) => !m.neverActive && !m.isRemoved && m.lastActiveDayNum !== null);
    expect(never.length).toBeGreaterThan(0);
    expect(quiet.length).toBeGreaterThan(0);
    for (const m of never) expect(lastActivity(m.email)).toBeNull();
    for (const m of quiet) {
      const last = lastActivity(m.email);
      if (last !== null) expect(dayStartMs(END) - dayStartMs(last)).toBeGreaterThanOrEqual(30 * DAY_MS);
    }
  });

  it('weekdays are busier than weekends and expensive models cost 5–20× cheap ones per request', () => {
    const count = (day: string) => sim.eventsForDay(day).length;
    expect(count('2026-03-04')).toBeGreaterThan(3 * count('2026-03-07')); // Wednesday vs Saturday
    const events = sim.eventsForDay('2026-03-04').concat(sim.eventsForDay('2026-03-05'));
    const mean = (model: string) => {
      const xs = events.filter((e) => e.model === model && e.tokenUsage).map((e) => e.chargedCents);
      return xs.reduce((a, x) => a + x, 0) / xs.length;
    };
    const ratio = mean('claude-4.6-opus-max') / mean('composer-1');
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(20);
  });

  it('events carry D26 fields: string ms timestamps, fractional cents, tokens only on token-based calls', () => {
    const events = sim.eventsForDay('2026-03-04');
    expect(events.length).toBeGreaterThan(100);
    for (const e of events) {
      expect(e.timestamp).toMatch(/^\d{13}$/);
      expect(Math.round(e.chargedCents * 1e6)).toBeCloseTo(e.chargedCents * 1e6, 3); // at most 6 decimals
      expect(e.isTokenBasedCall).toBe(e.tokenUsage !== undefined);
      if (e.kind === 'Errored, Not Charged') expect(e.chargedCents).toBe(0);
      if (e.tokenUsage) {
        expect(e.chargedCents).toBeCloseTo(e.tokenUsage.totalCents + (e.cursorTokenFee ?? 0), 5);
      }
    }
    expect(events.some((e) => !Number.isInteger(e.chargedCents))).toBe(true);
    expect(events.some((e) => e.kind === 'Errored, Not Charged')).toBe(true);
  });

  it('events are Included until cycle-to-date charges exceed the allowance, then Usage-based', () => {
    const cycle = sim.cycleAt(dayStartMs('2026-03-04'));
    const heavy = sim.members
      .filter((m) => m.persona === 'power' && !m.neverActive && m.lastActiveDayNum === null)
      .slice(0, 5);
    expect(heavy.length).toBeGreaterThan(0);
    let sawBoth = false;
    for (const m of heavy) {
      let cum = 0;
      const kinds = new Set<string>();
      for (
        let d = new Date(cycle.startMs).toISOString().slice(0, 10);
        dayStartMs(d) < cycle.endMs && d <= END;
        d = addDays(d, 1)
      ) {
        for (const e of sim.eventsForUserDay(m.email, d).reverse()) {
          if (e.kind !== 'Errored, Not Charged') {
            expect(e.kind).toBe(cum > INCLUDED_ALLOWANCE_CENTS + 1e-6 ? 'Usage-based' : 'Included in Business');
            expect(e.isChargeable).toBe(e.kind === 'Usage-based');
            kinds.add(e.kind);
          }
          cum += e.chargedCents;
        }
      }
      if (kinds.size === 2) sawBoth = true;
    }
    expect(sawBoth).toBe(true);
  });

  it('rejects bad options with a clear message', () => {
    expect(() => createSimulation({ seed: 1, users: 5 })).toThrow(/users must be an integer from 10 to 10000/);
    expect(() => createSimulation({ seed: 1.5, users: 10 })).toThrow(/seed/);
    expect(() => createSimulation({ seed: 1, users: 10, endDay: '2026/03/01' })).toThrow(/endDay/);
    expect(() => createSimulation({ seed: 1, users: 10, scenario: [{ kind: 'nope' as never }] })).toThrow(
      /unknown scenario kind/,
    );
    expect(() =>
      createSimulation({ seed: 1, users: 10, endDay: END, scenario: [{ kind: 'spend-spike', email: 'who@x.io' }] }),
    ).toThrow(/no member/);
  });
});

describe('late data', () => {
  const sim = createSimulation({ seed: 9, users: 30, endDay: END, scenario: 'none', lateMaxMs: HOUR_MS });

  it('an event whose arrival is in the future is absent now and present once the clock passes its arrival', () => {
    const timeline = sim.timelineForDay('2026-03-09');
    const late = timeline.find((t) => t.arrivalMs - t.timestampMs > 10 * 60_000)!;
    expect(late).toBeDefined();
    const email = late.event.userEmail;
    const at = late.timestampMs;
    const before = sim.expected.userSpendCents(email, at, at, late.arrivalMs - 1);
    const after = sim.expected.userSpendCents(email, at, at, late.arrivalMs);
    const sameMs = timeline.filter((t) => t.timestampMs === at && t.event.userEmail === email);
    const arrivedBefore =
      sameMs.filter((t) => t.arrivalMs <= late.arrivalMs - 1).reduce((a, t) => a + t.chargedMicro, 0) / 1e6;
    expect(before).toBeCloseTo(arrivedBefore, 6);
    expect(after - before).toBeCloseTo(late.event.chargedCents, 6);
    expect(sim.expected.eventCount(at, at, late.arrivalMs - 1)).toBeLessThan(
      sim.expected.eventCount(at, at, late.arrivalMs),
    );
  });

  it('arrival is never more than lateMaxMs after the timestamp', () => {
    for (const t of sim.timelineForDay('2026-03-09')) {
      expect(t.arrivalMs).toBeGreaterThanOrEqual(t.timestampMs);
      expect(t.arrivalMs - t.timestampMs).toBeLessThan(HOUR_MS);
    }
  });
});

describe('scenarios leave their ground truth in the data', () => {
  const sim = createSimulation({ seed: 11, users: 80, endDay: END });
  const truth = (kind: string) => sim.groundTruth.filter((g) => g.kind === kind);

  it("'default' mixes every kind, anomalies and benign ones, with borderline spikes", () => {
    const kinds = new Set(sim.groundTruth.map((g) => g.kind));
    for (const k of [
      'spend-spike',
      'model-switch',
      'drift',
      'team-surge',
      'cap-breach',
      'monday-after-quiet-weekend',
      'new-hire-first-week',
      'one-day-team-surge',
    ]) {
      expect(kinds).toContain(k);
    }
    // Borderline: magnitude 6–7 on the ledger's median scale reads ~5–9× to the spike detector (scenarios.ts).
    expect(truth('spend-spike').some((g) => g.magnitude <= 7)).toBe(true);
    expect(sim.groundTruth.filter((g) => g.benign).every((g) => !['spend-spike', 'drift'].includes(g.kind))).toBe(true);
  });

  it('a spend-spike day is at least magnitude × the baseline (median of the prior 14 days with spend)', () => {
    for (const g of truth('spend-spike')) {
      const prior: number[] = [];
      for (let i = 14; i >= 1; i--) {
        const v = sim.expected.userDayCents(g.email!, addDays(g.startDay, -i));
        if (v > 0) prior.push(v);
      }
      prior.sort((x, y) => x - y);
      const mid = prior.length >> 1;
      const median = prior.length % 2 ? prior[mid] : (prior[mid - 1] + prior[mid]) / 2;
      expect(median).toBeCloseTo(g.baselineCents!, 4);
      expect(sim.expected.userDayCents(g.email!, g.startDay)).toBeGreaterThanOrEqual(g.magnitude * median);
    }
  });

  it('a model switch raises $/request on the new model while request counts stay similar', () => {
    for (const g of truth('model-switch')) {
      const stats = (from: string, days: number) => {
        let n = 0;
        let cents = 0;
        let onModel = 0;
        for (let i = 0; i < days; i++) {
          for (const e of sim.eventsForUserDay(g.email!, addDays(from, i))) {
            n++;
            cents += e.chargedCents;
            if (e.model === g.model) onModel++;
          }
        }
        return { perDay: n / days, perRequest: cents / n, share: onModel / n };
      };
      const before = stats(addDays(g.startDay, -14), 14);
      const during = stats(g.startDay, 1 + (dayStartMs(g.endDay) - dayStartMs(g.startDay)) / DAY_MS);
      expect(during.perDay / before.perDay).toBeGreaterThan(0.5);
      expect(during.perDay / before.perDay).toBeLessThan(2);
      expect(during.share).toBeGreaterThan(0.7);
      expect(during.perRequest).toBeGreaterThan(1.5 * before.perRequest);
    }
  });

  it('a cap breach: on-demand spend is under the cap before the day and over it at its end', () => {
    // Σ chargedCents of Usage-based events from the start of the cycle through `through` (inclusive).
    const onDemandThrough = (email: string, through: string) => {
      let sum = 0;
      for (
        let d = new Date(sim.cycleAt(dayStartMs(through)).startMs).toISOString().slice(0, 10);
        d <= through;
        d = addDays(d, 1)
      ) {
        for (const e of sim.eventsForUserDay(email, d)) if (e.kind === 'Usage-based') sum += e.chargedCents;
      }
      return sum;
    };
    for (const g of truth('cap-breach')) {
      const dayBefore = addDays(g.startDay, -1);
      const before =
        sim.cycleAt(dayStartMs(dayBefore)).startMs === sim.cycleAt(dayStartMs(g.startDay)).startMs
          ? onDemandThrough(g.email!, dayBefore)
          : 0;
      expect(before).toBeLessThan(g.magnitude * 100);
      expect(onDemandThrough(g.email!, g.startDay)).toBeGreaterThan(g.magnitude * 100);
      expect(sim.member(g.email!)!.monthlyLimitDollars).toBe(g.magnitude);
    }
  });

  it('a team surge raises the whole team’s volume; a new hire has no history before their first week', () => {
    const [surge] = truth('team-surge');
    const requests = (day: string) => sim.eventsForDay(day).length;
    const weekBefore = addDays(surge.startDay, -7);
    expect(requests(surge.startDay)).toBeGreaterThan(1.2 * requests(weekBefore));
    for (const g of truth('new-hire-first-week')) {
      for (let i = 1; i <= 10; i++) expect(sim.eventsForUserDay(g.email!, addDays(g.startDay, -i))).toEqual([]);
    }
  });

  it('drift raises the cost of a request steadily: the last week is well above the first', () => {
    for (const g of truth('drift')) {
      const perRequest = (from: string) => {
        const events = Array.from({ length: 7 }, (_, i) => sim.eventsForUserDay(g.email!, addDays(from, i)))
          .flat()
          .filter((e) => e.tokenUsage);
        return events.reduce((a, e) => a + e.chargedCents, 0) / events.length;
      };
      const weeks = (dayStartMs(g.endDay) - dayStartMs(g.startDay)) / DAY_MS / 7;
      const growth = perRequest(addDays(g.endDay, -6)) / perRequest(g.startDay);
      expect(growth).toBeGreaterThan(Math.pow(1 + g.magnitude, weeks - 1) * 0.85);
    }
  });
});

describe("heavy spenders are a fact of the team, clear of the cycle outlier's 10× line", () => {
  // The property bench/detect-quality relies on (catalog.ts): on every day the cycle outlier runs
  // (cycle day 14 on), a listed heavy spender is far above 10× the median of the members with spend
  // this cycle, and everyone else outside injected anomalies is far below it.
  it.each([2, 6])('seed %i: listed heavy spenders ≥ 12×, the others ≤ 8×, every evaluated day', (seed) => {
    const sim = createSimulation({ seed, users: 120, historyDays: 60, endDay: '2026-03-31', scenario: 'default' });
    const heavy = new Set(sim.groundTruth.filter((t) => t.kind === 'heavy-spender').map((t) => t.email));
    const anomalous = new Set(
      sim.groundTruth.filter((t) => !t.benign && t.kind !== 'heavy-spender').map((t) => t.email),
    );
    expect(heavy.size).toBeGreaterThan(0);
    const end = dayStartMs(sim.endDay) / DAY_MS;
    let evaluated = 0;
    for (let d = end - 27; d <= end; d++) {
      const cycle = sim.ledger.cycleOf(d);
      if (d - cycle.startDayNum + 1 < 14) continue;
      evaluated++;
      const totals = sim.members.map((m) => {
        let sum = 0;
        for (let x = cycle.startDayNum; x <= d; x++) sum += sim.ledger.summary(m.index, x).totalMicro;
        return sum;
      });
      const spenders = totals.filter((t) => t > 0).sort((a, b) => a - b);
      const median = spenders[Math.floor(spenders.length / 2)];
      for (const m of sim.members) {
        const ratio = totals[m.index] / median;
        if (heavy.has(m.email) && m.lastActiveDayNum === null) expect(ratio).toBeGreaterThanOrEqual(12);
        else if (!heavy.has(m.email) && !anomalous.has(m.email)) expect(ratio).toBeLessThanOrEqual(8);
      }
    }
    expect(evaluated).toBeGreaterThan(10);
  });
});

describe('scale', () => {
  it('prints how long 10,000 users × 1 day take to generate (cold, end of a cycle)', () => {
    const started = Date.now();
    const sim: Simulation = createSimulation({ seed: 5, users: 10_000, endDay: END, historyDays: 60 });
    const events = sim.eventsForDay(addDays(END, -1));
    const ms = Date.now() - started;
    // Reported, not asserted: speed is a benchmark matter.
    process.stdout.write(`simulator: 10,000 users × 1 day = ${events.length} events in ${ms} ms\n`);
    expect(events.length).toBeGreaterThan(10_000);
  });
});
