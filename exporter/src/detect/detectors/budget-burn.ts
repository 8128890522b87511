import { addDays, dayStartMs, utcDay } from '../../domain/time';
import {
  type Ctx,
  type DetectorOutput,
  cycleSpan,
  emptyOutput,
  fixed1,
  makeFinding,
  money,
  pushSignal,
  teamSum,
} from '../context';
import { WINDOW_MS } from '../burn';
import type { BurnRate, BurnWindow } from '../types';

/**
 * Budget burn: fast burn (1h and 6h above fastBurnRate) is critical, slow burn (1d and 3d above
 * slowBurnRate) a warning. The value is the lower rate of the pair, the one that had to cross.
 */
export function budgetBurn(ctx: Ctx, burn: BurnRate[]): DetectorOutput {
  const out = emptyOutput();
  const { fastBurnRate, slowBurnRate } = ctx.settings.budgets;
  const span = cycleSpan(ctx, ctx.today);
  for (const b of burn) {
    const rate = (w: BurnWindow) => b.windows.find((x) => x.window === w)?.rate ?? 0;
    const g = b.groupId === null ? undefined : ctx.facts.groups.findIndex((x) => x.id === b.groupId);
    const who = g === undefined ? {} : { g };
    const fast = Math.min(rate('1h'), rate('6h'));
    const slow = Math.min(rate('1d'), rate('3d'));
    pushSignal(out, ctx, 'budget_burn', who, Math.max(fast / fastBurnRate, slow / slowBurnRate), 1);
    if (!b.fastBurn && !b.slowBurn) continue;
    const [short, long, value, threshold] = b.fastBurn
      ? (['1h', '6h', fast, fastBurnRate] as const)
      : (['1d', '3d', slow, slowBurnRate] as const);
    const windowSpend = b.windows.find((x) => x.window === short)?.spendMicro ?? 0;
    // Remaining budget at the long window's pace: when it runs out, if within the cycle.
    const perMs = (b.windows.find((x) => x.window === long)?.spendMicro ?? 0) / WINDOW_MS[long];
    const left = b.budgetMicro - b.cycleToDateMicro;
    const outAt = perMs > 0 ? ctx.nowMs + Math.max(0, left) / perMs : Infinity;
    const runsOut =
      outAt < dayStartMs(addDays(span.endDay, 1)) ? `; at this pace the budget runs out on ${utcDay(outAt)}` : '';
    const name = b.groupName ?? 'Team';
    out.findings.push(
      makeFinding(ctx, {
        detector: 'budget_burn',
        severity: b.fastBurn ? 'critical' : 'warning',
        subject: b.subject,
        ...who,
        d: ctx.today,
        value,
        baseline: 1,
        threshold,
        unit: 'ratio',
        message: `${name}: burning the ${money(b.budgetMicro)} cycle budget ${fixed1(value)}× too fast (${short}: ${fixed1(rate(short))}×, ${long}: ${fixed1(rate(long))}×), ${Math.round(b.budgetUsedRatio * 100)}% used with ${Math.round(b.cycleElapsedRatio * 100)}% of the cycle gone${runsOut}`,
        amountMicro: windowSpend,
        periodTeamMicro: teamSum(ctx, ctx.today - (short === '1h' ? 0 : 1), ctx.today),
      }),
    );
    // The excess began at most one long window ago: the honest bound for MTTD.
    out.findings[out.findings.length - 1].onsetMs = ctx.nowMs - WINDOW_MS[long];
  }
  return out;
}
