/**
 * Series budget for the per-user-per-model families. Pure: given every user's all-time cost and
 * model count, decide who keeps their own series; everyone else is summed into user="other".
 *
 * Why sticky: the folded families are counters. If a user moved between their own series and
 * "other" on every rebuild, both series would jump up and down and rate()/increase() would read
 * the drops as counter resets. So users who already have their own series keep it while the budget
 * allows; newcomers are admitted biggest spender first into what is left. Only a budget squeeze
 * (more models per kept user, or a lower budget) evicts kept users: they are re-admitted biggest
 * spender first and those that no longer fit fold. A restart starts without history (counters
 * restart then anyway) and keeps the biggest spenders.
 */
export interface UserWeight {
  user: string;
  cost: number; // all-time cost, any unit; only the order matters
  models: number; // distinct models = label pairs this user needs
}

export interface FoldPlan {
  kept: Set<string>;
  folded: number; // users summed into "other"
}

/**
 * @param budgetPairs how many user×model label pairs may be exposed in total.
 * @param modelCount distinct models in the folded data: "other" needs at most one pair per model,
 *   which is reserved before anyone is admitted (so "other" itself can exceed a budget smaller than
 *   the model count; the model list is small and bounded by Cursor).
 */
export function planFold(
  users: UserWeight[],
  budgetPairs: number,
  modelCount: number,
  previous: ReadonlySet<string>,
): FoldPlan {
  const all = users.reduce((n, u) => n + u.models, 0);
  if (all <= budgetPairs) return { kept: new Set(users.map((u) => u.user)), folded: 0 };

  const byCost = (a: UserWeight, b: UserWeight) => b.cost - a.cost || (a.user < b.user ? -1 : 1);
  const order = [
    ...users.filter((u) => previous.has(u.user)).sort(byCost),
    ...users.filter((u) => !previous.has(u.user)).sort(byCost),
  ];
  let room = budgetPairs - modelCount;
  const kept = new Set<string>();
  for (const u of order) {
    if (u.models > room) continue;
    kept.add(u.user);
    room -= u.models;
  }
  return { kept, folded: users.length - kept.size };
}
