/**
 * Editor activity derived from a user-day's requests: the daily-usage-data row (lines, tabs,
 * request modes, kinds, most-used model) and the per-day Analytics aggregates (dau, models,
 * agent edits, tabs, extensions, versions, MCP, commands, plans). Counts follow the requests
 * that have arrived, so a partly arrived day shows partial activity, as Cursor's does.
 */
import { DAY_MS, utcDay } from '../domain/time';
import type { AnalyticsEndpoint } from '../domain/records';
import { COMMANDS, MCP_TOOLS, MODEL_INDEX, MODELS } from './catalog';
import type { TimedEvent } from './events';
import type { Plan } from './ledger';
import { hash32, Rng } from '../domain/rng';
import { STREAM } from './streams';
import type { RawDailyUsageRow } from './shapes';
import { clientVersionOn, type SimMember } from './team';

export interface UserDayStats {
  n: number;
  included: number;
  usage: number;
  errored: number;
  headless: number;
  modelCounts: Int32Array; // aligned with MODELS
}

function emptyStats(): UserDayStats {
  return { n: 0, included: 0, usage: 0, errored: 0, headless: 0, modelCounts: new Int32Array(MODELS.length) };
}

export function statsFromPlan(p: Plan): UserDayStats {
  const s = emptyStats();
  s.n = p.n;
  for (let i = 0; i < p.n; i++) {
    s.modelCounts[p.model[i]]++;
    s.headless += p.headless[i];
    if (p.kind[i] === 0) s.included++;
    else if (p.kind[i] === 1) s.usage++;
    else s.errored++;
  }
  return s;
}

export function statsFromEvents(events: readonly TimedEvent[]): UserDayStats {
  const s = emptyStats();
  s.n = events.length;
  for (const e of events) {
    s.modelCounts[MODEL_INDEX.get(e.event.model)!]++;
    if (e.event.isHeadless) s.headless++;
    if (e.usageBased) s.usage++;
    else if (e.event.tokenUsage) s.included++;
    else s.errored++;
  }
  return s;
}

/** Figures the daily-usage row does not carry but the Analytics endpoints need. */
export interface ActivityExtras {
  rejectedLinesAdded: number;
  rejectedLinesDeleted: number;
  tabLinesSuggested: number;
  tabLinesAccepted: number;
  mcpCalls: number;
  commandCalls: number;
  planCalls: number;
  topModel: string | null;
}

export interface ActivityRow {
  row: RawDailyUsageRow;
  extras: ActivityExtras;
}

export function usageRow(seed: number, m: SimMember, dayNum: number, s: UserDayStats): ActivityRow {
  const base = { userId: m.numericId, day: utcDay(dayNum * DAY_MS), date: dayNum * DAY_MS, email: m.email };
  if (s.n === 0) {
    return {
      row: {
        ...base,
        isActive: false,
        totalLinesAdded: 0,
        totalLinesDeleted: 0,
        acceptedLinesAdded: 0,
        acceptedLinesDeleted: 0,
        totalApplies: 0,
        totalAccepts: 0,
        totalRejects: 0,
        totalTabsShown: 0,
        totalTabsAccepted: 0,
        composerRequests: 0,
        chatRequests: 0,
        agentRequests: 0,
        cmdkUsages: 0,
        subscriptionIncludedReqs: 0,
        apiKeyReqs: 0,
        usageBasedReqs: 0,
        bugbotUsages: 0,
        mostUsedModel: null,
        applyMostUsedExtension: null,
        tabMostUsedExtension: null,
        clientVersion: null,
      },
      extras: {
        rejectedLinesAdded: 0,
        rejectedLinesDeleted: 0,
        tabLinesSuggested: 0,
        tabLinesAccepted: 0,
        mcpCalls: 0,
        commandCalls: 0,
        planCalls: 0,
        topModel: null,
      },
    };
  }
  // Rates come from the activity stream; counts scale with the requests seen so far.
  const rng = new Rng(hash32(seed, STREAM.activity, m.index, dayNum));
  const ok = s.n - s.errored;
  const agent = Math.round(ok * 0.65);
  const chat = Math.round(ok * 0.2);
  const composer = Math.round(ok * 0.05);
  const cmdk = Math.max(0, ok - agent - chat - composer);
  const applies = Math.round(agent * (0.5 + 0.3 * rng.next()));
  const accepts = Math.round(applies * 0.8);
  const rejects = Math.round(applies * 0.12);
  const acceptedAdded = Math.round(accepts * (8 + 30 * rng.next()));
  const acceptedDeleted = Math.round(acceptedAdded * 0.3 * rng.next());
  const tabsShown = Math.round(ok * (2 + 4 * rng.next()));
  const tabsAccepted = Math.round(tabsShown * (0.25 + 0.25 * rng.next()));
  const tabLinesAccepted = tabsAccepted * 2;
  const manualAdded = Math.round(ok * 10 * rng.next());
  let top = 0;
  for (let i = 1; i < s.modelCounts.length; i++) if (s.modelCounts[i] > s.modelCounts[top]) top = i;
  const topModel = MODELS[top].name;
  return {
    row: {
      ...base,
      isActive: true,
      totalLinesAdded: acceptedAdded + tabLinesAccepted + manualAdded,
      totalLinesDeleted: acceptedDeleted + Math.round(manualAdded * 0.4),
      acceptedLinesAdded: acceptedAdded,
      acceptedLinesDeleted: acceptedDeleted,
      totalApplies: applies,
      totalAccepts: accepts,
      totalRejects: rejects,
      totalTabsShown: tabsShown,
      totalTabsAccepted: tabsAccepted,
      composerRequests: composer,
      chatRequests: chat,
      agentRequests: agent,
      cmdkUsages: cmdk,
      subscriptionIncludedReqs: s.included,
      apiKeyReqs: 0,
      usageBasedReqs: s.usage,
      bugbotUsages: rng.chance(0.1) ? 1 + Math.floor(rng.next() * 3) : 0,
      mostUsedModel: topModel,
      applyMostUsedExtension: `.${m.primaryExtension}`,
      tabMostUsedExtension: `.${m.primaryExtension}`,
      clientVersion: clientVersionOn(m, dayNum),
    },
    extras: {
      rejectedLinesAdded: rejects * 12,
      rejectedLinesDeleted: rejects * 3,
      tabLinesSuggested: tabsShown * 2,
      tabLinesAccepted,
      mcpCalls: m.usesMcp ? Math.round(agent * 0.2) : 0,
      commandCalls: Math.round(chat * 0.3),
      planCalls: Math.round(agent * 0.08),
      topModel,
    },
  };
}

interface LineSums {
  greenAcc: number;
  redAcc: number;
  greenRej: number;
  redRej: number;
  greenSug: number;
  redSug: number;
}
interface ExtensionSums {
  files: number;
  accepts: number;
  rejects: number;
  suggested: number;
  accepted: number;
  rejected: number;
}

const zeroLines = (): LineSums => ({ greenAcc: 0, redAcc: 0, greenRej: 0, redRej: 0, greenSug: 0, redSug: 0 });

/** One day of Analytics, accumulated user by user. */
export class DayAnalytics {
  dau = 0;
  cliDau = 0;
  cloudDau = 0;
  bugbotDau = 0;
  diffs = { suggested: 0, accepted: 0, rejected: 0 };
  editLines = zeroLines();
  tabCounts = { suggestions: 0, accepts: 0, rejects: 0 };
  tabLines = zeroLines();
  readonly models = new Map<string, { messages: number; users: number }>();
  readonly extensions = new Map<string, ExtensionSums>();
  readonly versions = new Map<string, number>();
  readonly plans = new Map<string, number>();
  mcp = 0;
  commands = 0;

  constructor(readonly day: string) {}

  add(m: SimMember, a: ActivityRow, s: UserDayStats): void {
    const { row, extras } = a;
    if (!row.isActive) return;
    this.dau++;
    if (m.usesCli) this.cliDau++;
    if (s.headless > 0) this.cloudDau++;
    if (row.bugbotUsages > 0) this.bugbotDau++;
    this.diffs.suggested += row.totalApplies;
    this.diffs.accepted += row.totalAccepts;
    this.diffs.rejected += row.totalRejects;
    addLines(
      this.editLines,
      row.acceptedLinesAdded,
      row.acceptedLinesDeleted,
      extras.rejectedLinesAdded,
      extras.rejectedLinesDeleted,
    );
    this.tabCounts.suggestions += row.totalTabsShown;
    this.tabCounts.accepts += row.totalTabsAccepted;
    this.tabCounts.rejects += row.totalTabsShown - row.totalTabsAccepted;
    const tabRejected = extras.tabLinesSuggested - extras.tabLinesAccepted;
    addLines(this.tabLines, extras.tabLinesAccepted, Math.round(extras.tabLinesAccepted * 0.1), tabRejected, 0);
    for (let i = 0; i < s.modelCounts.length; i++) {
      if (s.modelCounts[i] === 0) continue;
      const entry = this.models.get(MODELS[i].name) ?? { messages: 0, users: 0 };
      entry.messages += s.modelCounts[i];
      entry.users++;
      this.models.set(MODELS[i].name, entry);
    }
    // 70 % of a user's edits are in their main language, the rest in their second one.
    for (const [ext, share] of [
      [m.primaryExtension, 0.7],
      [m.secondaryExtension, 0.3],
    ] as const) {
      const e = this.extensions.get(ext) ?? {
        files: 0,
        accepts: 0,
        rejects: 0,
        suggested: 0,
        accepted: 0,
        rejected: 0,
      };
      const accepted = Math.round((row.acceptedLinesAdded + extras.tabLinesAccepted) * share);
      const rejected = Math.round((extras.rejectedLinesAdded + tabRejected) * share);
      e.files += Math.max(1, Math.round((row.totalAccepts * share) / 3));
      e.accepts += Math.round((row.totalAccepts + row.totalTabsAccepted) * share);
      e.rejects += Math.round((row.totalRejects + row.totalTabsShown - row.totalTabsAccepted) * share);
      e.accepted += accepted;
      e.rejected += rejected;
      e.suggested += accepted + rejected;
      this.extensions.set(ext, e);
    }
    const version = row.clientVersion!;
    this.versions.set(version, (this.versions.get(version) ?? 0) + 1);
    this.plans.set(extras.topModel!, (this.plans.get(extras.topModel!) ?? 0) + extras.planCalls);
    this.mcp += extras.mcpCalls;
    this.commands += extras.commandCalls;
  }

  /** The endpoint's rows for this day, in the D26 field names. */
  rows(endpoint: AnalyticsEndpoint): Record<string, unknown>[] {
    const event_date = this.day;
    switch (endpoint) {
      case 'dau':
        return [
          {
            date: this.day,
            dau: this.dau,
            cli_dau: this.cliDau,
            cloud_agent_dau: this.cloudDau,
            bugbot_dau: this.bugbotDau,
          },
        ];
      case 'models':
        return this.models.size === 0
          ? []
          : [{ date: this.day, model_breakdown: Object.fromEntries([...this.models].sort(byKey)) }];
      case 'agent-edits':
        return [
          {
            event_date,
            total_suggested_diffs: this.diffs.suggested,
            total_accepted_diffs: this.diffs.accepted,
            total_rejected_diffs: this.diffs.rejected,
            ...lineFields(this.editLines),
          },
        ];
      case 'tabs':
        return [
          {
            event_date,
            total_suggestions: this.tabCounts.suggestions,
            total_accepts: this.tabCounts.accepts,
            total_rejects: this.tabCounts.rejects,
            ...lineFields(this.tabLines),
          },
        ];
      case 'top-file-extensions':
        return [...this.extensions]
          .sort((a, b) => b[1].accepted - a[1].accepted || a[0].localeCompare(b[0]))
          .slice(0, 5)
          .map(([ext, e]) => ({
            event_date,
            file_extension: ext,
            total_files: e.files,
            total_accepts: e.accepts,
            total_rejects: e.rejects,
            total_lines_suggested: e.suggested,
            total_lines_accepted: e.accepted,
            total_lines_rejected: e.rejected,
          }));
      case 'client-versions':
        return [...this.versions].sort(byKey).map(([client_version, user_count]) => ({
          event_date,
          client_version,
          user_count,
          percentage: Math.round((user_count / this.dau) * 10000) / 10000,
        }));
      case 'mcp':
        return split(this.mcp, MCP_TOOLS).map(([t, usage]) => ({
          event_date,
          tool_name: t.tool,
          mcp_server_name: t.server,
          usage,
        }));
      case 'commands':
        return split(this.commands, COMMANDS).map(([c, usage]) => ({ event_date, command_name: c.name, usage }));
      case 'plans':
        return [...this.plans]
          .filter(([, n]) => n > 0)
          .sort(byKey)
          .map(([model, usage]) => ({ event_date, model, usage }));
    }
  }
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function addLines(l: LineSums, accAdded: number, accDeleted: number, rejAdded: number, rejDeleted: number): void {
  l.greenAcc += accAdded;
  l.redAcc += accDeleted;
  l.greenRej += rejAdded;
  l.redRej += rejDeleted;
  l.greenSug += accAdded + rejAdded;
  l.redSug += accDeleted + rejDeleted;
}

function lineFields(l: LineSums): Record<string, number> {
  return {
    total_green_lines_accepted: l.greenAcc,
    total_red_lines_accepted: l.redAcc,
    total_green_lines_rejected: l.greenRej,
    total_red_lines_rejected: l.redRej,
    total_green_lines_suggested: l.greenSug,
    total_red_lines_suggested: l.redSug,
    total_lines_suggested: l.greenSug + l.redSug,
    total_lines_accepted: l.greenAcc + l.redAcc,
  };
}

/** Splits a total over weighted items (largest share gets the rounding remainder); drops zeros. */
function split<T extends { weight: number }>(total: number, items: readonly T[]): [T, number][] {
  const sum = items.reduce((a, t) => a + t.weight, 0);
  const parts = items.map((t) => Math.floor((total * t.weight) / sum));
  const heaviest = items.reduce((best, t, i) => (t.weight > items[best].weight ? i : best), 0);
  parts[heaviest] += total - parts.reduce((a, b) => a + b, 0);
  return items.map((t, i) => [t, parts[i]] as [T, number]).filter(([, n]) => n > 0);
}
