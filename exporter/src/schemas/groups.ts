import { Type, type Static } from '@sinclair/typebox';

export const GroupParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
export const GroupMemberParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  email: Type.String({ minLength: 3, maxLength: 320 }),
});

export const GroupName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const CreateGroupBody = Type.Object({ name: GroupName }, { additionalProperties: false });
export const RenameGroupBody = Type.Object({ name: GroupName }, { additionalProperties: false });

export const GroupMember = Type.Object({ email: Type.String(), name: Type.String() });
export const Group = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: Type.String({ description: "'cursor' (synced) or 'local' (created here)" }),
  member_count: Type.Integer(),
  spend_usd: Type.Number({ description: "Σ of the members' spend in the current billing cycle" }),
  members: Type.Array(GroupMember),
});
export type Group = Static<typeof Group>;
export const GroupList = Type.Object({ groups: Type.Array(Group) });

export const CsvBody = Type.Object(
  {
    csv: Type.String({ minLength: 1, maxLength: 5_000_000, description: 'the CSV file content (UTF-8, BOM allowed)' }),
  },
  { additionalProperties: false },
);
export type CsvBody = Static<typeof CsvBody>;

export const ApplyCsvBody = Type.Object(
  {
    csv: CsvBody.properties.csv,
    emails: Type.Optional(
      Type.Array(Type.String({ minLength: 3, maxLength: 320 }), {
        maxItems: 100_000,
        description: 'apply only these changes (default: all)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApplyCsvBody = Static<typeof ApplyCsvBody>;

export const GroupChange = Type.Object({
  email: Type.String(),
  name: Type.String(),
  current_group: Type.Union([Type.String(), Type.Null()]),
  new_group: Type.String(),
});
export type GroupChange = Static<typeof GroupChange>;

export const BackupPreview = Type.Object({
  total_rows: Type.Integer(),
  unchanged: Type.Integer(),
  changes: Type.Array(GroupChange),
  new_groups: Type.Array(Type.String()),
});
export type BackupPreview = Static<typeof BackupPreview>;

export const HibobChange = Type.Object({
  email: Type.String(),
  name: Type.String(),
  department: Type.String(),
  title: Type.String(),
  current_group: Type.Union([Type.String(), Type.Null()]),
  new_group: Type.String(),
});
export type HibobChange = Static<typeof HibobChange>;

export const HibobPreview = Type.Object({
  total_rows: Type.Integer(),
  matched: Type.Integer(),
  has_group_column: Type.Boolean(),
  moves: Type.Integer(),
  keeps: Type.Integer(),
  changes: Type.Array(HibobChange),
  groups: Type.Array(Type.Object({ name: Type.String(), member_count: Type.Integer(), is_new: Type.Boolean() })),
  unmatched_people: Type.Array(Type.Object({ row: Type.Integer(), email: Type.String(), name: Type.String() })),
  unmatched_members: Type.Array(
    Type.Object({ email: Type.String(), name: Type.String(), current_group: Type.Union([Type.String(), Type.Null()]) }),
  ),
});
export type HibobPreview = Static<typeof HibobPreview>;

export const Applied = Type.Object({ applied: Type.Integer(), created_groups: Type.Array(Type.String()) });
export const BackupApplyResult = Type.Intersect([BackupPreview, Applied]);
export const HibobApplyResult = Type.Intersect([HibobPreview, Applied]);
