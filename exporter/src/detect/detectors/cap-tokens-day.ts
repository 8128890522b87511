import type { Ctx, DetectorOutput } from '../context';
import { dailyCap } from './daily-cap';

/** Static cap on a user's tokens (input + output + cache) per UTC day; documented by the reference, implemented here. */
export function capTokensDay(ctx: Ctx): DetectorOutput {
  return dailyCap(ctx, 'cap_tokens_day', ctx.facts.tokens, ctx.settings.thresholds.maxTokensPerDay, 'tokens');
}
