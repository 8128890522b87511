/**
 * Static facts the synthetic team is drawn from: models with per-request cost and per-token
 * prices, personas (how much and which models people use), names, billing groups, client
 * versions. Prices are in US cents; token prices are cents per million tokens.
 */

export interface ModelSpec {
  name: string;
  /** Mean model cost of one request in cents (before the Cursor token fee). */
  meanCents: number;
  maxMode: boolean;
  /** Third-party models (and Auto routing to them) carry the Cursor Token Rate (D26). */
  thirdParty: boolean;
  /** Cents per million tokens: input, output, cache write, cache read. */
  price: readonly [number, number, number, number];
}

/** Cheap models cost 1.5–5 cents a request, expensive and max-mode ones 18–35: 5–20× apart. */
export const MODELS: readonly ModelSpec[] = [
  { name: 'default', meanCents: 1.5, maxMode: false, thirdParty: true, price: [125, 600, 125, 13] },
  { name: 'composer-1', meanCents: 2.5, maxMode: false, thirdParty: false, price: [125, 1000, 125, 13] },
  { name: 'gpt-5', meanCents: 4.5, maxMode: false, thirdParty: true, price: [125, 1000, 125, 13] },
  { name: 'gpt-5-codex', meanCents: 5, maxMode: false, thirdParty: true, price: [125, 1000, 125, 13] },
  { name: 'gemini-2.5-pro', meanCents: 4, maxMode: false, thirdParty: true, price: [125, 1000, 160, 31] },
  { name: 'claude-4.5-sonnet', meanCents: 7, maxMode: false, thirdParty: true, price: [300, 1500, 375, 30] },
  { name: 'claude-4.5-sonnet-thinking', meanCents: 9, maxMode: false, thirdParty: true, price: [300, 1500, 375, 30] },
  { name: 'claude-4.5-opus', meanCents: 18, maxMode: false, thirdParty: true, price: [500, 2500, 625, 50] },
  { name: 'gpt-5.1-codex-max', meanCents: 12, maxMode: true, thirdParty: true, price: [125, 1000, 125, 13] },
  { name: 'claude-4.6-opus-max', meanCents: 35, maxMode: true, thirdParty: true, price: [1000, 5000, 1250, 100] },
];

export const MODEL_INDEX: ReadonlyMap<string, number> = new Map(MODELS.map((m, i) => [m.name, i]));

/** Share of an average request's tokens by type (input, output, cache write, cache read). */
export const TOKEN_MIX: readonly [number, number, number, number] = [0.1, 0.03, 0.07, 0.8];

/** Cursor Token Rate: $0.25 per million tokens = 25 micro-cents per token. */
export const CURSOR_FEE_MICRO_PER_TOKEN = 25;

/** Included plan usage per seat per billing cycle, in cents ($20). */
export const INCLUDED_ALLOWANCE_CENTS = 2000;

/** Share of requests that error and are not charged. */
export const ERROR_RATE = 0.02;

export type PersonaName = 'light' | 'regular' | 'power' | 'max';

export interface Persona {
  name: PersonaName;
  weight: number; // share of the team
  meanRequests: number; // per active weekday
  activeWeekday: number; // probability of any activity on a weekday
  activeWeekend: number;
  weekendVolume: number; // request volume on an active weekend day, relative to a weekday
  /** Bounds of the personal volume multiplier (a log-normal draw, clamped): keeps the personas apart. */
  scaleRange: readonly [number, number];
  mix: Readonly<Record<string, number>>; // model → weight
}

/**
 * The personas keep a gap around the cycle outlier's 10× line (the reference default), so whether a
 * member is a heavy spender is a fact of the team, not a coin toss of the month. Before, power and
 * max users both sat at ~5–6× the team median at scale 1 with an unbounded personal scale, so a
 * handful per team wandered between 8× and 12× of the median, flagged or not by chance. Now
 * (expected spend per calendar day; then the realised cycle-to-date ratio to the team median on
 * seeds 1–10, 120 users, cycle day ≥ 14 over the last 28 days, members outside injected anomalies;
 * the median itself is $0.8–1.7 a day):
 * - light 35 %: $0.03–0.3/day, ≤ 0.6×;
 * - regular 40 %: $0.5–3.1/day, 0.3–5× (the median lives here);
 * - power 22 %: $1.6–3.9/day, 1.1–6.5× ($40–170 a cycle) — heavy but ordinary;
 * - max 3 %: max-mode users working most days, weekends included (background agents), at
 *   $21–31/day, 15–38× ($540–1,100 a cycle) — the team's heavy spenders, a few per 100 seats.
 * Their spend is steady rather than lumpy, so an ordinary day stays under the z-score's $100
 * notification floor; a cycle of it is what the cycle outlier is for.
 */
export const PERSONAS: readonly Persona[] = [
  {
    name: 'light',
    weight: 0.35,
    meanRequests: 8,
    activeWeekday: 0.6,
    activeWeekend: 0.05,
    weekendVolume: 0.5,
    scaleRange: [0.3, 2.5],
    mix: { default: 40, 'composer-1': 20, 'gpt-5': 15, 'claude-4.5-sonnet': 20, 'gemini-2.5-pro': 5 },
  },
  {
    name: 'regular',
    weight: 0.4,
    meanRequests: 35,
    activeWeekday: 0.9,
    activeWeekend: 0.12,
    weekendVolume: 0.4,
    scaleRange: [0.4, 2.5],
    mix: {
      'claude-4.5-sonnet': 40,
      default: 15,
      'gpt-5': 10,
      'gpt-5-codex': 10,
      'composer-1': 15,
      'gemini-2.5-pro': 5,
      'claude-4.5-opus': 5,
    },
  },
  {
    name: 'power',
    weight: 0.22,
    meanRequests: 60,
    activeWeekday: 0.95,
    activeWeekend: 0.35,
    weekendVolume: 0.5,
    scaleRange: [0.5, 1.2],
    mix: {
      'claude-4.5-sonnet': 40,
      'claude-4.5-opus': 15,
      'gpt-5-codex': 20,
      'composer-1': 15,
      default: 5,
      'claude-4.5-sonnet-thinking': 5,
    },
  },
  {
    name: 'max',
    weight: 0.03,
    meanRequests: 130,
    activeWeekday: 0.97,
    activeWeekend: 0.8,
    weekendVolume: 0.8,
    scaleRange: [0.85, 1.25],
    mix: { 'claude-4.6-opus-max': 40, 'claude-4.5-opus': 25, 'claude-4.5-sonnet': 20, 'gpt-5.1-codex-max': 15 },
  },
];

/** Per-persona model weights as arrays aligned with MODELS, plus their sum and the mean cents a request. */
export interface PersonaMix {
  weights: Float64Array;
  total: number;
  meanCents: number;
}

export const PERSONA_MIX: ReadonlyMap<PersonaName, PersonaMix> = new Map(
  PERSONAS.map((p) => {
    const weights = new Float64Array(MODELS.length);
    for (const [name, w] of Object.entries(p.mix)) weights[MODEL_INDEX.get(name)!] = w;
    const total = weights.reduce((a, b) => a + b, 0);
    const meanCents = MODELS.reduce((acc, m, i) => acc + (weights[i] / total) * m.meanCents, 0);
    return [p.name, { weights, total, meanCents }];
  }),
);

export const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dana',
  'Eli',
  'Farah',
  'Gus',
  'Hana',
  'Ivan',
  'Jade',
  'Kofi',
  'Lena',
  'Mateo',
  'Nia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Xena',
  'Yusuf',
  'Zoe',
  'Arjun',
  'Bea',
  'Carlos',
  'Dmitri',
  'Elif',
  'Femi',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Luca',
  'Maya',
  'Noor',
];

export const LAST_NAMES = [
  'Adams',
  'Berg',
  'Costa',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jensen',
  'Kim',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quist',
  'Rossi',
  'Silva',
  'Tanaka',
  'Usman',
  'Varga',
  'Wong',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Novak',
  'Larsen',
  'Mensah',
  'Kowalski',
];

export const EMAIL_DOMAIN = 'acme.dev';

/** Billing groups follow the 'Parent > Team' convention. Larger teams use more of the list. */
export const GROUP_NAMES = [
  'Engineering > Platform',
  'Engineering > Web',
  'Product > Design',
  'Engineering > Mobile',
  'Data > Analytics',
  'Engineering > Infrastructure',
  'Product > Management',
  'Data > ML',
  'Engineering > Payments',
  'Operations > Support',
  'Engineering > Security',
  'Sales > Solutions',
];

/** Client versions in release order; users upgrade over time. */
export const CLIENT_VERSIONS = ['1.7.54', '2.0.77', '2.1.4', '2.1.26', '2.2.9', '2.3.14'];

export const FILE_EXTENSIONS = ['ts', 'tsx', 'py', 'go', 'java', 'rs', 'kt', 'swift', 'md', 'sql'];

export const MCP_TOOLS: readonly { server: string; tool: string; weight: number }[] = [
  { server: 'github', tool: 'create_pull_request', weight: 5 },
  { server: 'github', tool: 'search_code', weight: 8 },
  { server: 'linear', tool: 'get_issue', weight: 6 },
  { server: 'postgres', tool: 'query', weight: 4 },
  { server: 'sentry', tool: 'get_issue_details', weight: 3 },
  { server: 'browser', tool: 'navigate', weight: 2 },
];

export const COMMANDS: readonly { name: string; weight: number }[] = [
  { name: 'review', weight: 6 },
  { name: 'fix-lint', weight: 4 },
  { name: 'write-tests', weight: 5 },
  { name: 'explain', weight: 3 },
  { name: 'commit-message', weight: 7 },
];
