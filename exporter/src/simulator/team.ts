/**
 * The synthetic team: members (personas, roles, seats that went quiet or never started, removed
 * members), billing groups and the billing-cycle anchor. Member i depends only on (seed, i), so a
 * larger team is the smaller one plus more people.
 */
import { DAY_MS } from '../domain/time';
import {
  CLIENT_VERSIONS,
  EMAIL_DOMAIN,
  FILE_EXTENSIONS,
  FIRST_NAMES,
  GROUP_NAMES,
  LAST_NAMES,
  PERSONAS,
  type PersonaName,
} from './catalog';
import { hash32, Rng } from '../domain/rng';
import { STREAM } from './streams';

export interface SimMember {
  index: number;
  id: string; // 'user_…' (members, spend, groups)
  numericId: number; // daily-usage-data's numeric userId (D26 docs)
  name: string;
  email: string;
  role: 'owner' | 'member';
  persona: PersonaName;
  /** Personal volume multiplier (log-normal, mean 1). */
  scale: number;
  /** Day numbers are days since the Unix epoch (UTC). */
  joinDayNum: number;
  /** Last day with any activity (inactive seats, removed members); null = still active. */
  lastActiveDayNum: number | null;
  neverActive: boolean;
  isRemoved: boolean;
  groupIndex: number | null; // null = the reserved Unassigned group
  monthlyLimitDollars: number | null;
  hardLimitOverrideDollars: number;
  primaryExtension: string;
  secondaryExtension: string;
  /** Index into CLIENT_VERSIONS on `versionFromDayNum`; one release up every `upgradeEveryDays`. */
  baseVersion: number;
  versionFromDayNum: number;
  upgradeEveryDays: number;
  usesCli: boolean;
  usesMcp: boolean;
  /** Working hours centre in UTC hours (people are spread over time zones). */
  workCentreUtcHour: number;
}

export interface SimGroup {
  index: number;
  id: string;
  name: string;
  createdAtMs: number;
}

export interface SimTeam {
  teamId: number;
  members: SimMember[];
  groups: SimGroup[];
  /** Day of month (1–28) on which every billing cycle starts. */
  cycleAnchorDay: number;
  createdAtMs: number;
}

export function buildTeam(seed: number, users: number, startDayNum: number, endDayNum: number): SimTeam {
  const teamRng = new Rng(hash32(seed, STREAM.team));
  const teamId = teamRng.int(1000, 99999);
  const cycleAnchorDay = teamRng.int(1, 28);
  const createdAtMs = (startDayNum - teamRng.int(200, 500)) * DAY_MS;
  const groupCount = Math.min(GROUP_NAMES.length, Math.max(2, Math.ceil(users / 8)));
  const groups: SimGroup[] = GROUP_NAMES.slice(0, groupCount).map((name, index) => ({
    index,
    id: `group_${teamRng.token(12)}`,
    name,
    createdAtMs: createdAtMs + teamRng.int(0, 60) * DAY_MS,
  }));

  const personaTotal = PERSONAS.reduce((a, p) => a + p.weight, 0);
  const personaWeights = PERSONAS.map((p) => p.weight);
  const usedEmails = new Set<string>();
  const members: SimMember[] = [];
  for (let index = 0; index < users; index++) {
    const rng = new Rng(hash32(seed, STREAM.member, index));
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let email = `${first}.${last}@${EMAIL_DOMAIN}`.toLowerCase();
    if (usedEmails.has(email)) email = `${first}.${last}${index}@${EMAIL_DOMAIN}`.toLowerCase();
    usedEmails.add(email);
    const persona = PERSONAS[rng.weighted(personaWeights, personaTotal)];
    const owner = index < 2;
    const roll = rng.next();
    // Owners are always active; of the rest ~3% never started, ~5% went quiet 30+ days ago, ~3% were removed.
    const neverActive = !owner && roll < 0.03;
    const inactive = !owner && roll >= 0.03 && roll < 0.08;
    const removed = !owner && roll >= 0.08 && roll < 0.11;
    const lastActiveDayNum = inactive ? endDayNum - rng.int(30, 50) : removed ? endDayNum - rng.int(3, 40) : null;
    const limitRoll = rng.next();
    const ext = rng.int(0, FILE_EXTENSIONS.length - 1);
    members.push({
      index,
      id: `user_${rng.token(26)}`,
      numericId: 100000 + index,
      name: `${first} ${last}`,
      email,
      role: owner ? 'owner' : 'member',
      persona: persona.name,
      // Clamped, not redrawn: the draw sequence (and every later attribute) stays as it was.
      scale: Math.min(persona.scaleRange[1], Math.max(persona.scaleRange[0], rng.lognormal1(0.4))),
      joinDayNum: startDayNum - rng.int(20, 400),
      lastActiveDayNum,
      neverActive,
      isRemoved: removed,
      groupIndex: rng.chance(0.08) ? null : rng.int(0, groupCount - 1),
      monthlyLimitDollars: limitRoll < 0.1 ? rng.pick([100, 200, 500]) : null,
      hardLimitOverrideDollars: limitRoll > 0.98 ? 1000 : 0,
      primaryExtension: FILE_EXTENSIONS[ext],
      secondaryExtension: FILE_EXTENSIONS[(ext + rng.int(1, FILE_EXTENSIONS.length - 1)) % FILE_EXTENSIONS.length],
      baseVersion: rng.int(0, 2),
      versionFromDayNum: startDayNum,
      upgradeEveryDays: rng.int(15, 40),
      usesCli: rng.chance(0.12),
      usesMcp: rng.chance(0.3),
      workCentreUtcHour: rng.pick([7, 9, 13, 14, 15, 16, 17, 21]) + rng.next() * 2,
    });
  }
  return { teamId, members, groups, cycleAnchorDay, createdAtMs };
}

export interface Cycle {
  startDayNum: number;
  endDayNum: number; // exclusive: the next cycle's first day
}

/** The billing cycle containing a day: monthly from the anchor day of the month. */
export function cycleOfDay(anchorDay: number, dayNum: number): Cycle {
  const d = new Date(dayNum * DAY_MS);
  const monthOffset = d.getUTCDate() >= anchorDay ? 0 : -1;
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthOffset, anchorDay);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthOffset + 1, anchorDay);
  return { startDayNum: Math.round(start / DAY_MS), endDayNum: Math.round(end / DAY_MS) };
}

/** The client version a member runs on a day: they move one release up every `upgradeEveryDays`. */
export function clientVersionOn(m: SimMember, dayNum: number): string {
  const steps = Math.max(0, Math.floor((dayNum - m.versionFromDayNum) / m.upgradeEveryDays));
  return CLIENT_VERSIONS[Math.min(CLIENT_VERSIONS.length - 1, m.baseVersion + steps)];
}

/** Whether the member can have any activity on the day (joined, not quiet, not removed, not a never-active seat). */
export function canBeActive(m: SimMember, dayNum: number): boolean {
  if (m.neverActive || dayNum < m.joinDayNum) return false;
  return m.lastActiveDayNum === null || dayNum <= m.lastActiveDayNum;
}
