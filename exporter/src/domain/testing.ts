/** Test data of the domain's records, for tests in any folder (every folder may import domain/). */
import type { DailyUsageRow } from './records';

/** An active day of one person in Cursor's daily usage, with `agentRequests` agent requests and nothing else. */
export function active(email: string, day: string, agentRequests = 1): DailyUsageRow {
  return {
    day,
    email,
    userId: null,
    isActive: true,
    linesAdded: 0,
    linesDeleted: 0,
    acceptedLinesAdded: 0,
    acceptedLinesDeleted: 0,
    applies: 0,
    accepts: 0,
    rejects: 0,
    tabsShown: 0,
    tabsAccepted: 0,
    composerRequests: 0,
    chatRequests: 0,
    agentRequests,
    cmdkUsages: 0,
    subscriptionIncludedReqs: 0,
    apiKeyReqs: 0,
    usageBasedReqs: 0,
    bugbotUsages: 0,
    mostUsedModel: null,
    applyMostUsedExtension: null,
    tabMostUsedExtension: null,
    clientVersion: null,
  };
}
