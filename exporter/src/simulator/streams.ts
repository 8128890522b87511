/** The simulator's stream ids: one independent stream per purpose so that adding draws to one never shifts another. */
export const STREAM = {
  member: 1,
  cost: 2,
  detail: 3,
  activity: 4,
  scenario: 5,
  faults: 6,
  team: 7,
} as const;
