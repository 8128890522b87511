import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  firstSpendDay,
  makeFinding,
  micro,
  money,
  pushSignal,
  seriesSum,
  teamSum,
  usd,
} from '../context';
import { weightedLogTrend } from '../stats';

/**
 * Drift: slow growth no single day spikes, in what a user's (or group's) work costs per request.
 * Over the last `weeks` 7-day blocks (ending on the last complete day), the trend of log daily
 * $/request at a fixed model mix (the day's spend ÷ what its requests cost at the team's price per
 * model), each day weighted by its requests, must grow by minWeeklyGrowthPercent a week AND be
 * clear of the noise (t ≥ minTStat). $/request is steady where daily spend swings with how busy
 * someone is (busy weeks, a one-day team surge, a quiet Monday do not move it), and the t-test is
 * what keeps a light user's few dozen requests a week from drawing a trend out of chance; a lone
 * expensive day is trimmed as an outlier, so a spike is not drift either.
 */
export function drift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { weeks, minWeeklyGrowthPercent, minWeeklySpendUsd, minTStat } = ctx.settings.drift;
  const minRequests = ctx.settings.costPerRequest.minRequests;
  const d = ctx.today - 1;
  const from = d - 7 * weeks + 1;
  if (from < 0) return out;
  const lastWeekTeam = teamSum(ctx, d - 6, d);
  const minGrowth = minWeeklyGrowthPercent / 100;
  const minWeekly = micro(minWeeklySpendUsd);
  // Runs for every person with history (10,000 a pass): plain loops over the series, and the list
  // price only for the few who pass the cheap checks.
  const check = (
    spend: Float64Array,
    requests: Float64Array,
    members: readonly number[],
    who: { u?: number; g?: number },
    name: string,
  ) => {
    const w = new Array<number>(weeks);
    const r = new Array<number>(weeks);
    for (let j = 0; j < weeks; j++) {
      w[j] = seriesSum(spend, from + 7 * j, from + 7 * j + 6);
      r[j] = seriesSum(requests, from + 7 * j, from + 7 * j + 6);
      if (r[j] < minRequests) return;
    }
    if (w[0] < minWeekly || w[0] <= 0) return;
    // Cheap pre-check (most people): no rise in raw $/request from the first week to the last.
    if (!(w[weeks - 1] / r[weeks - 1] > w[0] / r[0])) return;
    const trend = weightedLogTrend(spend, requests, from, d, listPrice(members));
    if (trend === null) return;
    const growth = Math.exp(7 * trend.slope) - 1;
    const cpr = w.map((x, j) => x / r[j]);
    const threshold = cpr[0] * (1 + minGrowth) ** (weeks - 1);
    if (trend.t >= minTStat) pushSignal(out, ctx, 'drift', who, growth * 100, minWeeklyGrowthPercent);
    if (!(trend.t >= minTStat && growth >= minGrowth)) return;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'drift',
        severity: 'warning',
        subject: who.u !== undefined ? 'user' : 'group',
        ...who,
        d,
        onsetDay: from + 7, // growth shows from the second block on
        value: usd(cpr[weeks - 1]),
        baseline: usd(cpr[0]),
        threshold: usd(threshold),
        unit: 'usd_per_request',
        message: `${name}: cost per request has grown ${Math.round(growth * 100)}%/week for ${weeks} weeks, ${money(cpr[0])} → ${money(cpr[weeks - 1])} (first week → last); weekly spend ${money(w[0])} → ${money(w[weeks - 1])}`,
        amountMicro: Math.max(0, w[weeks - 1] - r[weeks - 1] * cpr[0]), // what the price rise alone cost last week
        periodTeamMicro: lastWeekTeam,
      }),
    );
  };
  const { spend, requests, users, groups, modelUse, models } = ctx.facts;
  // Each model's team-wide $/request over the window: a day's requests at these prices is what the
  // same model mix costs normally, so the trend follows the price of the work, not the mix wobble.
  // Computed on first need: most people fail the cheap checks and never need it.
  let mSpend: Float64Array | null = null;
  const mReq = new Float64Array(models.length);
  const prices = (): Float64Array => {
    if (mSpend) return mSpend;
    mSpend = new Float64Array(models.length);
    for (let k = 0; k < modelUse.d.length; k++)
      if (modelUse.d[k] >= from && modelUse.d[k] <= d) {
        mSpend[modelUse.m[k]] += modelUse.spendMicro[k];
        mReq[modelUse.m[k]] += modelUse.requests[k];
      }
    return mSpend;
  };
  const list = new Float64Array(ctx.nDays);
  /** What the members' requests would have cost at those prices, per day (into `list`). */
  const listPrice = (members: readonly number[]) => {
    const mSpend = prices();
    list.fill(0);
    for (const u of members)
      for (let k = modelUse.start[u]; k < modelUse.start[u + 1]; k++) {
        const m = modelUse.m[k];
        if (modelUse.d[k] >= from && modelUse.d[k] <= d && mReq[m] > 0)
          list[modelUse.d[k]] += (modelUse.requests[k] * mSpend[m]) / mReq[m];
      }
    return list;
  };
  const groupRequests = groups.map(() => new Float64Array(ctx.nDays));
  const groupMembers: number[][] = groups.map(() => []);
  for (let u = 0; u < users.length; u++) {
    const base = u * ctx.nDays;
    const g = users[u].groupIdx;
    if (g >= 0) {
      groupMembers[g].push(u);
      const into = groupRequests[g];
      for (let i = 0; i < ctx.nDays; i++) into[i] += requests[base + i];
    }
    const first = firstSpendDay(ctx, u);
    if (first < 0 || first > from) continue;
    check(spend.subarray(base, base + ctx.nDays), requests.subarray(base, base + ctx.nDays), [u], { u }, users[u].name);
  }
  groups.forEach((g, gi) => check(ctx.groupDaily[gi], groupRequests[gi], groupMembers[gi], { g: gi }, g.name));
  return out;
}
