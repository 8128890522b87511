/**
 * GET /analytics/team/<endpoint> → { data: Row[], params } (cursor-api.md §3). The nine team
 * endpoints share one envelope, so they share this file: one row schema per endpoint, one
 * response schema and compiled check per endpoint in `AnalyticsResponseChecks`.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { AnalyticsEndpoint } from '../../domain/records';
import { DayString, Id, Opt, OptNum, OptStr } from './common';

/** Most rows carry `event_date`; dau and models carry `date`. Both are accepted on every row. */
const dayFields = { event_date: Opt(DayString), date: Opt(DayString) };

const lineFields = {
  total_green_lines_accepted: OptNum,
  total_red_lines_accepted: OptNum,
  total_green_lines_rejected: OptNum,
  total_red_lines_rejected: OptNum,
  total_green_lines_suggested: OptNum,
  total_red_lines_suggested: OptNum,
  total_lines_suggested: OptNum,
  total_lines_accepted: OptNum,
};

export const RawDauRowSchema = Type.Object({
  ...dayFields,
  dau: OptNum,
  cli_dau: OptNum,
  cloud_agent_dau: OptNum,
  bugbot_dau: OptNum,
});

export const RawModelBreakdownEntrySchema = Type.Object({ messages: OptNum, users: OptNum });

export const RawModelsRowSchema = Type.Object({
  ...dayFields,
  model_breakdown: Opt(Type.Record(Type.String(), RawModelBreakdownEntrySchema)),
});

export const RawAgentEditsRowSchema = Type.Object({
  ...dayFields,
  total_suggested_diffs: OptNum,
  total_accepted_diffs: OptNum,
  total_rejected_diffs: OptNum,
  ...lineFields,
});

export const RawTabsRowSchema = Type.Object({
  ...dayFields,
  total_suggestions: OptNum,
  total_accepts: OptNum,
  total_rejects: OptNum,
  ...lineFields,
});

export const RawMcpRowSchema = Type.Object({
  ...dayFields,
  tool_name: OptStr,
  mcp_server_name: OptStr,
  usage: OptNum,
});

export const RawTopFileExtensionsRowSchema = Type.Object({
  ...dayFields,
  file_extension: OptStr, // no leading dot
  total_files: OptNum,
  total_accepts: OptNum,
  total_rejects: OptNum,
  total_lines_suggested: OptNum,
  total_lines_accepted: OptNum,
  total_lines_rejected: OptNum,
});

export const RawClientVersionsRowSchema = Type.Object({
  ...dayFields,
  client_version: OptStr,
  user_count: OptNum,
  percentage: OptNum, // 0–1
});

export const RawCommandsRowSchema = Type.Object({
  ...dayFields,
  command_name: OptStr,
  usage: OptNum,
});

export const RawPlansRowSchema = Type.Object({
  ...dayFields,
  model: OptStr, // 'default' means Auto
  usage: OptNum,
});

export const RawAnalyticsParamsSchema = Type.Object({
  metric: OptStr,
  teamId: Opt(Id),
  startDate: OptStr,
  endDate: OptStr,
});

function envelope<T extends TSchema>(row: T) {
  return Type.Object({ data: Type.Array(row), params: Opt(RawAnalyticsParamsSchema) });
}

export const RawDauResponseSchema = envelope(RawDauRowSchema);
export const RawModelsResponseSchema = envelope(RawModelsRowSchema);
export const RawAgentEditsResponseSchema = envelope(RawAgentEditsRowSchema);
export const RawTabsResponseSchema = envelope(RawTabsRowSchema);
export const RawMcpResponseSchema = envelope(RawMcpRowSchema);
export const RawTopFileExtensionsResponseSchema = envelope(RawTopFileExtensionsRowSchema);
export const RawClientVersionsResponseSchema = envelope(RawClientVersionsRowSchema);
export const RawCommandsResponseSchema = envelope(RawCommandsRowSchema);
export const RawPlansResponseSchema = envelope(RawPlansRowSchema);

export const AnalyticsResponseChecks: { [K in AnalyticsEndpoint]: TypeCheck<TSchema> } = {
  dau: TypeCompiler.Compile(RawDauResponseSchema),
  models: TypeCompiler.Compile(RawModelsResponseSchema),
  'agent-edits': TypeCompiler.Compile(RawAgentEditsResponseSchema),
  tabs: TypeCompiler.Compile(RawTabsResponseSchema),
  mcp: TypeCompiler.Compile(RawMcpResponseSchema),
  'top-file-extensions': TypeCompiler.Compile(RawTopFileExtensionsResponseSchema),
  'client-versions': TypeCompiler.Compile(RawClientVersionsResponseSchema),
  commands: TypeCompiler.Compile(RawCommandsResponseSchema),
  plans: TypeCompiler.Compile(RawPlansResponseSchema),
};
