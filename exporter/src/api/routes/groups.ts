import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { applyBackup, applyHibob, previewBackup, previewHibob } from '../../groups/imports';
import { assignMember, createGroup, exportCsv, listGroups, renameGroup } from '../../groups/local-groups';
import { ErrorResponse, Ok } from '../../schemas/common';
import {
  ApplyCsvBody,
  BackupApplyResult,
  BackupPreview,
  CreateGroupBody,
  CsvBody,
  GroupList,
  GroupMemberParams,
  GroupParams,
  HibobApplyResult,
  HibobPreview,
  RenameGroupBody,
} from '../../schemas/groups';
import type { ApiContext } from '../context';

const errors = { 400: ErrorResponse, 404: ErrorResponse };

/**
 * Billing-group management. Changes are local to this exporter (source 'local'); nothing is pushed to
 * Cursor or HiBob. Imports come as { csv } JSON so the body is schema-validated like every other route.
 */
export const groupRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Groups with members and cycle spend; q searches group and member names',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: GroupList },
      },
    },
    async (req) => ({ groups: listGroups(ctx.store, req.query.q) }),
  );
  app.post(
    '/groups',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Create a local group',
        body: CreateGroupBody,
        response: { 201: Type.Object({ id: Type.String() }), ...errors },
      },
    },
    async (req, reply) => {
      return reply.code(201).send({ id: createGroup(ctx.store, req.body.name, ctx.now()) });
    },
  );
  app.patch(
    '/groups/:id',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Rename a group',
        params: GroupParams,
        body: RenameGroupBody,
        response: { 200: Ok, ...errors },
      },
    },
    async (req) => {
      renameGroup(ctx.store, req.params.id, req.body.name, ctx.now());
      return { ok: true as const };
    },
  );
  app.put(
    '/groups/:id/members/:email',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Move a member into this group (one group per person)',
        params: GroupMemberParams,
        response: { 200: Ok, ...errors },
      },
    },
    async (req) => {
      assignMember(ctx.store, req.params.email, req.params.id, ctx.now());
      return { ok: true as const };
    },
  );
  app.get(
    '/groups/export.csv',
    {
      schema: {
        tags: ['groups'],
        summary: 'Backup of the mapping as CSV (email,name,group)',
        produces: ['text/csv'],
        response: { 200: Type.String() },
      },
    },
    async (_req, reply) => {
      const day = new Date(ctx.now()).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="group-mapping-${day}.csv"`)
        .send(exportCsv(ctx.store));
    },
  );
  app.post(
    '/groups/backup/preview',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Preview restoring a backup CSV',
        body: CsvBody,
        response: { 200: BackupPreview, ...errors },
      },
    },
    async (req) => previewBackup(ctx.store, req.body.csv),
  );
  app.post(
    '/groups/backup/apply',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Restore a backup CSV (all changes, or only `emails`)',
        body: ApplyCsvBody,
        response: { 200: BackupApplyResult, ...errors },
      },
    },
    async (req) => applyBackup(ctx.store, req.body.csv, req.body.emails, ctx.now()),
  );
  app.post(
    '/groups/hibob/preview',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Preview a HiBob people-directory import: moves, new groups, unmatched people',
        body: CsvBody,
        response: { 200: HibobPreview, ...errors },
      },
    },
    async (req) => previewHibob(ctx.store, req.body.csv),
  );
  app.post(
    '/groups/hibob/apply',
    {
      config: ctx.mutation,
      schema: {
        tags: ['groups'],
        summary: 'Apply a HiBob import (all planned moves, or only `emails`)',
        body: ApplyCsvBody,
        response: { 200: HibobApplyResult, ...errors },
      },
    },
    async (req) => applyHibob(ctx.store, req.body.csv, req.body.emails, ctx.now()),
  );
};
