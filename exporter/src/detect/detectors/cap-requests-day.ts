import type { Ctx, DetectorOutput } from '../context';
import { dailyCap } from './daily-cap';

/** Static cap on a user's requests (usage events) per UTC day (reference threshold layer). */
export function capRequestsDay(ctx: Ctx): DetectorOutput {
  return dailyCap(ctx, 'cap_requests_day', ctx.facts.requests, ctx.settings.thresholds.maxRequestsPerDay, 'requests');
}
