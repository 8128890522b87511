/**
 * CSV in and out of the group routes: the export cannot smuggle a formula into a spreadsheet (and
 * still restores exactly), and imports with broken encodings, missing columns or duplicate e-mails
 * are a 400 that applies nothing and says what is wrong.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../exporter/src/store/db';
import { auth, buildTestApp, call, seedTeam } from '../exporter/src/api/testing';

describe('group CSV hardening', () => {
  let app: FastifyInstance;
  let base: string;
  let db: Db;
  const req = (method: string, path: string, body?: unknown) =>
    call(base, method, `/api/v1${path}`, { headers: auth, body });
  const mapping = () => db.prepare('SELECT email, group_id FROM group_members ORDER BY email').all();

  beforeAll(async () => {
    db = seedTeam();
    ({ app, base } = await buildTestApp(db));
  });
  afterAll(() => app.close());

  it('exports formula-looking cells with a leading quote, and a backup of them restores with no change', async () => {
    db.prepare(`UPDATE members SET name = '=HYPERLINK("http://evil.example","x")' WHERE email = 'alice@acme.io'`).run();
    db.prepare(`UPDATE members SET name = '+1 555 0100' WHERE email = 'bob@acme.io'`).run();
    db.prepare(`UPDATE billing_groups SET name = '@SUM(A1)' WHERE id = 'g_api'`).run();
    db.prepare(`UPDATE billing_groups SET name = '-Ops' WHERE id = 'g_ops'`).run();
    db.prepare(`INSERT INTO group_members (email, group_id) VALUES ('dan@acme.io', 'g_ops')`).run();
    const exported = (await req('GET', '/groups/export.csv')).body as string;
    const cells = exported
      .trim()
      .split('\n')
      .slice(1)
      .flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)/g)!.filter((c) => c !== ''));
    for (const cell of cells) expect({ cell, formula: /^"?[=+\-@\t\r]/.test(cell) }).toEqual({ cell, formula: false });
    expect(exported).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(exported).toContain("'@SUM(A1)");
    const preview = await req('POST', '/groups/backup/preview', { csv: exported });
    expect(preview.status).toBe(200);
    expect(preview.body.changes).toEqual([]);
    expect(preview.body.new_groups).toEqual([]);
  });

  it('refuses broken encodings, naming the problem and applying nothing', async () => {
    const before = mapping();
    // A UTF-16LE export read as UTF-8: NULs between the letters of every header.
    const utf16 = Buffer.from('email,group\r\nalice@acme.io,Ops\r\n', 'utf16le').toString('utf8');
    const r16 = await req('POST', '/groups/backup/apply', { csv: utf16 });
    expect([r16.status, r16.body.field]).toEqual([400, 'body.csv']);
    expect(r16.body.message).toMatch(/missing required column/);
    // Latin-1 bytes read as UTF-8: replacement characters in the address.
    const latin1 = Buffer.from('email,group\nj\xfcrgen@acme.io,Ops\n', 'latin1').toString('utf8');
    const rl = await req('POST', '/groups/backup/apply', { csv: latin1 });
    expect([rl.status, rl.body.field]).toEqual([400, 'body.csv']);
    expect(rl.body.rows).toEqual([{ row: 2, reason: expect.stringMatching(/invalid email|unknown member/) }]);
    // Not CSV at all (an unterminated quote).
    const broken = await req('POST', '/groups/hibob/apply', { csv: 'email,department\n"alice@acme.io,Eng\n' });
    expect([broken.status, broken.body.field]).toEqual([400, 'body.csv']);
    expect(mapping()).toEqual(before);
  });

  it('refuses missing columns and duplicate e-mails (in any case), listing every bad row', async () => {
    const before = mapping();
    const missing = await req('POST', '/groups/hibob/preview', { csv: 'mail,dept\nalice@acme.io,Eng\n' });
    expect([missing.status, missing.body.message]).toEqual([
      400,
      'body.csv: missing required column(s): email, department; found: mail, dept',
    ]);
    const dup = await req('POST', '/groups/backup/apply', {
      csv: 'email,group\nalice@acme.io,Ops\nALICE@acme.io,Eng > Web\nbob@acme.io,Ops\nbob@acme.io,Ops\n',
    });
    expect([dup.status, dup.body.field]).toEqual([400, 'body.csv']);
    expect(dup.body.rows.map((r: { row: number }) => r.row)).toEqual([3, 5]);
    const hibobDup = await req('POST', '/groups/hibob/apply', {
      csv: 'email,department\nalice@acme.io,Eng\nAlice@Acme.io,Ops\n',
    });
    expect([hibobDup.status, hibobDup.body.rows?.length]).toEqual([400, 1]);
    expect(mapping()).toEqual(before);
  });
});
