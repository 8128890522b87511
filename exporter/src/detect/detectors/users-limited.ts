import { utcDay } from '../../domain/time';
import { type Ctx, type DetectorOutput, emptyOutput, makeFinding } from '../context';

/**
 * Users limited: Cursor reports members blocked by their spend limit (limitedUsersCount, only some
 * API versions). It is a snapshot, so it counts only when taken yesterday or today relative to the run.
 */
export function usersLimited(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const snap = ctx.facts.limitedUsers;
  if (!snap || !(snap.count > 0) || snap.asOfMs > ctx.nowMs) return out;
  const firstEval = ctx.facts.days[ctx.evalDays[0]];
  if (utcDay(snap.asOfMs) < firstEval) return out;
  out.findings.push(
    makeFinding(ctx, {
      detector: 'users_limited',
      severity: 'warning',
      subject: 'team',
      d: ctx.today,
      value: snap.count,
      baseline: null,
      threshold: 0,
      unit: 'users',
      message: `Team: ${snap.count} ${snap.count === 1 ? 'user is' : 'users are'} blocked by their spend limit`,
      amountMicro: 0,
      periodTeamMicro: 0,
    }),
  );
  out.findings[0].onsetMs = snap.asOfMs; // the snapshot is when it appeared in the data
  return out;
}
