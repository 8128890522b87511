/** GET /teams/members → { teamMembers: [...] } (cursor-api.md §2.1). */
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Id, Opt, OptBool, OptStr } from './common';

export const RawTeamMemberSchema = Type.Object({
  id: Opt(Id), // 'user_…' (D26), a number (older page) or absent (D0/D25)
  email: Type.String(),
  name: OptStr,
  role: OptStr, // open set: owner, member, free-owner, admin, removed, …
  isRemoved: OptBool,
});

export const RawMembersResponseSchema = Type.Object({
  teamMembers: Type.Array(RawTeamMemberSchema),
});

export const MembersResponseCheck = TypeCompiler.Compile(RawMembersResponseSchema);
