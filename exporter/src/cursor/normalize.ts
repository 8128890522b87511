/**
 * Raw Cursor responses → the normalised records of domain/records.ts. Every parse* function takes
 * a response body (text, bytes or parsed JSON), validates it whole against its compiled schema and
 * only then converts it, so it either returns a complete result or throws a CursorError of kind
 * 'invalid-response' (see validate.ts). All shape drift is resolved here and nowhere else.
 */
import { centsToMicro } from '../domain/money';
import type {
  AnalyticsEndpoint,
  AnalyticsRow,
  BillingGroup,
  DailyUsageRow,
  GroupMember,
  GroupsSnapshot,
  Member,
  SpendRow,
  UsageEvent,
} from '../domain/records';
import { utcDay } from '../domain/time';
import { CursorError } from './errors';
import { AnalyticsResponseChecks } from './schemas/analytics';
import { DailyUsageResponseCheck, type RawDailyUsageRow } from './schemas/daily-usage';
import { GroupsResponseCheck, type RawBillingGroup, type RawGroupMember } from './schemas/groups';
import { MembersResponseCheck } from './schemas/members';
import { SpendResponseCheck, type RawSpendRow } from './schemas/spend';
import { UsageEventsResponseCheck, type RawUsageEvent } from './schemas/usage-events';
import { invalidAt, validate } from './validate';

export const ENDPOINTS = {
  members: 'GET /teams/members',
  spend: 'POST /teams/spend',
  dailyUsage: 'POST /teams/daily-usage-data',
  usageEvents: 'POST /teams/filtered-usage-events',
  groups: 'GET /teams/groups',
  analytics: (e: AnalyticsEndpoint) => `GET /analytics/team/${e}`,
} as const;

/** Pagination reduced to what the paging loops need; null where the response did not say. */
export interface PageInfo {
  page: number | null;
  totalPages: number | null;
  hasNextPage: boolean | null;
  /** The page size the server says it used (usage events echo it). */
  pageSize?: number | null;
}

/** A server that never stops saying "next page" must not loop the collector forever. */
export const MAX_PAGES = 10_000;

export function checkPageBudget(endpoint: string, page: number): void {
  if (page >= MAX_PAGES) {
    throw new CursorError(`pagination did not end after ${MAX_PAGES} pages`, {
      kind: 'invalid-response',
      endpoint,
      status: 200,
    });
  }
}

/** hasNextPage when sent, else page < totalPages; a response with neither is the last page. */
export function hasMorePages(info: PageInfo, requestedPage: number): boolean {
  if (info.hasNextPage != null) return info.hasNextPage;
  if (info.totalPages == null) return false;
  return (info.page ?? requestedPage) < info.totalPages;
}

function idOf(id: string | number | null | undefined): string | null {
  return id == null ? null : String(id);
}

function ms(value: string | number): number {
  return typeof value === 'string' ? Number(value) : value;
}

// ---------------------------------------------------------------- members

export function parseMembers(body: unknown): Member[] {
  const raw = validate(MembersResponseCheck, body, ENDPOINTS.members);
  return raw.teamMembers.map((m) => ({
    email: m.email.toLowerCase(),
    userId: idOf(m.id),
    name: m.name ?? '',
    role: m.role ?? '',
    isRemoved: m.isRemoved ?? false,
  }));
}

// ---------------------------------------------------------------- spend

export interface SpendPage {
  cycleStartMs: number;
  rows: SpendRow[];
  totalPages: number;
  /** totalMembers, when sent. */
  totalRows: number | null;
  limitedUsersCount: number | null;
}

export function parseSpendPage(body: unknown): SpendPage {
  const raw = validate(SpendResponseCheck, body, ENDPOINTS.spend);
  return {
    cycleStartMs: ms(raw.subscriptionCycleStart),
    rows: raw.teamMemberSpend.map(toSpendRow),
    totalPages: raw.totalPages ?? 1,
    totalRows: raw.totalMembers ?? null,
    limitedUsersCount: raw.limitedUsersCount ?? null,
  };
}

/**
 * The two meanings of spendCents (cursor-api.md §2.4): when overallSpendCents is present (D26),
 * spendCents is the on-demand part and overall the total; otherwise (legacy) spendCents is the
 * total and includedSpendCents the plan-covered part. Differences are taken in micro-cents so
 * that total = included + onDemand holds exactly.
 */
export function toSpendRow(r: RawSpendRow): SpendRow {
  const spendMicro = centsToMicro(r.spendCents ?? 0);
  let totalMicro: number;
  let onDemandMicro: number;
  let includedMicro: number;
  if (r.overallSpendCents != null) {
    totalMicro = centsToMicro(r.overallSpendCents);
    onDemandMicro = spendMicro;
    includedMicro = totalMicro - spendMicro;
  } else {
    totalMicro = spendMicro;
    includedMicro = centsToMicro(r.includedSpendCents ?? 0);
    onDemandMicro = totalMicro - includedMicro;
  }
  return {
    email: r.email.toLowerCase(),
    userId: idOf(r.userId),
    name: r.name ?? '',
    role: r.role ?? '',
    totalMicro,
    onDemandMicro,
    includedMicro,
    fastPremiumRequests: r.fastPremiumRequests ?? 0,
    monthlyLimitDollars: r.monthlyLimitDollars ?? null,
    hardLimitOverrideDollars: r.hardLimitOverrideDollars ?? 0,
    effectiveLimitDollars: r.effectivePerUserLimitDollars ?? null,
  };
}

// ---------------------------------------------------------------- daily usage

export interface DailyUsagePage {
  rows: DailyUsageRow[];
  pagination: PageInfo;
}

export function parseDailyUsagePage(body: unknown): DailyUsagePage {
  const raw = validate(DailyUsageResponseCheck, body, ENDPOINTS.dailyUsage);
  const rows = raw.data.map((r, i) => toDailyUsageRow(r, i));
  const p = raw.pagination;
  return {
    rows,
    pagination: { page: p?.page ?? null, totalPages: p?.totalPages ?? null, hasNextPage: p?.hasNextPage ?? null },
  };
}

function toDailyUsageRow(r: RawDailyUsageRow, index: number): DailyUsageRow {
  let day: string;
  if (r.day != null) day = r.day.slice(0, 10);
  else if (r.date != null) day = utcDay(ms(r.date));
  else throw invalidAt(ENDPOINTS.dailyUsage, `/data/${index}/day`, 'row has neither day nor date');
  return {
    day,
    email: r.email.toLowerCase(),
    userId: idOf(r.userId),
    isActive: r.isActive ?? true, // shapes without the flag only listed active users
    linesAdded: r.totalLinesAdded ?? 0,
    linesDeleted: r.totalLinesDeleted ?? 0,
    acceptedLinesAdded: r.acceptedLinesAdded ?? 0,
    acceptedLinesDeleted: r.acceptedLinesDeleted ?? 0,
    applies: r.totalApplies ?? 0,
    accepts: r.totalAccepts ?? 0,
    rejects: r.totalRejects ?? 0,
    tabsShown: r.totalTabsShown ?? 0,
    tabsAccepted: r.totalTabsAccepted ?? 0,
    composerRequests: r.composerRequests ?? 0,
    chatRequests: r.chatRequests ?? 0,
    agentRequests: r.agentRequests ?? 0,
    cmdkUsages: r.cmdkUsages ?? 0,
    subscriptionIncludedReqs: r.subscriptionIncludedReqs ?? 0,
    apiKeyReqs: r.apiKeyReqs ?? 0,
    usageBasedReqs: r.usageBasedReqs ?? 0,
    bugbotUsages: r.bugbotUsages ?? 0,
    mostUsedModel: r.mostUsedModel ?? null,
    applyMostUsedExtension: r.applyMostUsedExtension ?? null,
    tabMostUsedExtension: r.tabMostUsedExtension ?? null,
    clientVersion: r.clientVersion ?? null,
  };
}

// ---------------------------------------------------------------- usage events (hot path)

export interface UsageEventsPageResult {
  events: UsageEvent[];
  pagination: PageInfo;
  /** totalUsageEventsCount, or the page's own count when the response omits it. */
  total: number;
}

/**
 * One page of POST /teams/filtered-usage-events. Hot path (the ingest benchmark pushes a million
 * events through it): one compiled schema check for the page, then a plain loop building one
 * object per event, with no per-event closures.
 */
export function parseUsageEventsPage(body: unknown): UsageEventsPageResult {
  const raw = validate(UsageEventsResponseCheck, body, ENDPOINTS.usageEvents);
  const src = raw.usageEvents;
  const n = src.length;
  const events: UsageEvent[] = new Array(n);
  for (let i = 0; i < n; i++) events[i] = toUsageEvent(src[i]);
  const p = raw.pagination;
  return {
    events,
    pagination: {
      page: p?.currentPage ?? null,
      totalPages: p?.numPages ?? null,
      hasNextPage: p?.hasNextPage ?? null,
      pageSize: p?.pageSize ?? null,
    },
    total: raw.totalUsageEventsCount ?? n,
  };
}

export function toUsageEvent(r: RawUsageEvent): UsageEvent {
  const t = r.tokenUsage;
  const tokenMicro = t != null && t.totalCents != null ? centsToMicro(t.totalCents) : 0;
  const kind = r.kind ?? '';
  return {
    timestampMs: typeof r.timestamp === 'string' ? Number(r.timestamp) : r.timestamp,
    // A usage event without a user cannot be attributed; keep it (its money is real) under ''.
    email: r.userEmail != null ? r.userEmail.toLowerCase() : '',
    model: r.model ?? '',
    kind,
    maxMode: r.maxMode ?? false,
    requestsCosts: r.requestsCosts ?? 0,
    isTokenBasedCall: r.isTokenBasedCall ?? t != null,
    inputTokens: t?.inputTokens ?? 0,
    outputTokens: t?.outputTokens ?? 0,
    cacheWriteTokens: t?.cacheWriteTokens ?? 0,
    cacheReadTokens: t?.cacheReadTokens ?? 0,
    tokenMicro,
    // Older shapes have no chargedCents: the model cost is then the best estimate of the charge.
    chargedMicro: r.chargedCents != null ? centsToMicro(r.chargedCents) : tokenMicro,
    cursorFeeMicro: r.cursorTokenFee != null ? centsToMicro(r.cursorTokenFee) : 0,
    // isChargeable arrived in 2026; before that only the 'Usage-based' kind was billed.
    isChargeable: r.isChargeable ?? kind === 'Usage-based',
    isHeadless: r.isHeadless ?? false,
    conversationId: r.conversationId ?? null,
  };
}

// ---------------------------------------------------------------- billing groups

export function parseGroups(body: unknown): GroupsSnapshot {
  const raw = validate(GroupsResponseCheck, body, ENDPOINTS.groups);
  const groups = raw.groups.map((g, i) => toGroup(g, `/groups/${i}`));
  // The reserved Unassigned group goes last, as GroupsSnapshot documents.
  if (raw.unassignedGroup != null) groups.push(toGroup(raw.unassignedGroup, '/unassignedGroup'));
  const c = raw.billingCycle;
  return {
    groups,
    cycle:
      c == null
        ? null
        : {
            startMs: isoMs(c.cycleStart, '/billingCycle/cycleStart'),
            endMs: isoMs(c.cycleEnd, '/billingCycle/cycleEnd'),
          },
  };
}

function toGroup(g: RawBillingGroup, path: string): BillingGroup {
  const current = (g.currentMembers ?? []).map((m, i) => toGroupMember(m, `${path}/currentMembers/${i}`));
  return {
    id: String(g.id),
    name: g.name ?? '',
    type: g.type ?? 'BILLING',
    directoryGroupId: g.directoryGroupId ?? null,
    memberCount: g.memberCount ?? current.length,
    spendMicro: centsToMicro(g.spendCents ?? 0),
    currentMembers: current,
    formerMembers: (g.formerMembers ?? []).map((m, i) => toGroupMember(m, `${path}/formerMembers/${i}`)),
    dailySpend: (g.dailySpend ?? []).map((d) => ({
      day: d.date.slice(0, 10),
      spendMicro: centsToMicro(d.spendCents ?? 0),
    })),
  };
}

function toGroupMember(m: RawGroupMember, path: string): GroupMember {
  return {
    userId: idOf(m.userId),
    email: m.email.toLowerCase(),
    name: m.name ?? '',
    joinedAtMs: m.joinedAt == null ? null : isoMs(m.joinedAt, `${path}/joinedAt`),
    leftAtMs: m.leftAt == null ? null : isoMs(m.leftAt, `${path}/leftAt`),
    spendMicro: centsToMicro(m.spendCents ?? 0),
  };
}

function isoMs(text: string, path: string): number {
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw invalidAt(ENDPOINTS.groups, path, 'expected an ISO-8601 date');
  return value;
}

// ---------------------------------------------------------------- analytics

/** How each endpoint names a row within its day (AnalyticsRow.key). */
const ROW_KEY: { [K in AnalyticsEndpoint]: (row: Record<string, unknown>) => string } = {
  dau: () => '',
  'agent-edits': () => '',
  tabs: () => '',
  models: () => '', // unused: models rows are exploded per model below
  mcp: (r) => `${str(r.mcp_server_name)}/${str(r.tool_name)}`,
  'top-file-extensions': (r) => str(r.file_extension),
  'client-versions': (r) => str(r.client_version),
  commands: (r) => str(r.command_name),
  plans: (r) => str(r.model),
};

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Flattens an analytics response: one AnalyticsRow per (day, key) whose values are every numeric
 * field of the row, so metrics Cursor adds later are kept without a code change. models rows
 * become one row per model with { messages, users }.
 */
export function parseAnalytics(endpoint: AnalyticsEndpoint, body: unknown): AnalyticsRow[] {
  const name = ENDPOINTS.analytics(endpoint);
  const raw = validate(AnalyticsResponseChecks[endpoint], body, name) as { data: Record<string, unknown>[] };
  const out: AnalyticsRow[] = [];
  raw.data.forEach((row, i) => {
    const dayText = (row.event_date ?? row.date) as string | null | undefined;
    if (dayText == null) throw invalidAt(name, `/data/${i}/event_date`, 'row has neither event_date nor date');
    const day = dayText.slice(0, 10);
    if (endpoint === 'models') {
      const breakdown = (row.model_breakdown ?? {}) as Record<string, Record<string, unknown>>;
      for (const [model, entry] of Object.entries(breakdown))
        out.push({ endpoint, day, key: model, values: numericFields(entry) });
    } else {
      out.push({ endpoint, day, key: ROW_KEY[endpoint](row), values: numericFields(row) });
    }
  });
  return out;
}

function numericFields(row: Record<string, unknown>): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === 'number') values[k] = v;
  return values;
}
