import { TestStack } from '@satupintu/testing';
import { FieldProtector, LocalKeyring, reseal, rotateTables, sealedJsonTable, type ProtectedTable } from '@satupintu/protection';

/**
 * Rotation against the real PostgreSQL, over more rows than one chunk (500), with the key kinds the
 * services use: bigint ids (ordered as numbers, not as text: 10 < 9 as text), and `ctid` for a table
 * keyed by several columns.
 */
describe('rotateTables on PostgreSQL', () => {
  const stack = new TestStack('rotation');
  const ring = LocalKeyring.generate('r1');
  const p = new FieldProtector(new LocalKeyring(ring));
  const ROWS = 1_234;

  beforeAll(async () => {
    await stack.setUp();
    await stack.db.query('create table public.rot_text (id bigserial primary key, secret text not null)');
    await stack.db.query('create table public.rot_doc (a text not null, b int not null, doc jsonb, primary key (a, b))');
    await stack.db.query(`insert into public.rot_text (secret) select 'nik-' || g from generate_series(1, ${ROWS}) g`);
    await stack.db.query(`insert into public.rot_doc (a, b, doc) select 'x', g, jsonb_build_object('name', 'Siti ' || g) from generate_series(1, ${ROWS}) g`);
  });

  afterAll(() => stack.tearDown());

  const textTable: ProtectedTable = {
    table: 'public.rot_text',
    idType: 'bigint',
    columns: ['secret'],
    types: ['text'],
    async rewrite(pr, row) {
      const v = row.secret as string;
      return pr.isDue(v) ? [await reseal(pr, v, 'rot.secret')] : null;
    },
  };
  const docTable = sealedJsonTable('public.rot_doc', 'ctid', 'tid', 'doc', 'rot.doc');
  const inClear = async () => ({
    text: Number((await stack.db.query(`select count(*) from public.rot_text where secret not like 'sp1.%'`)).rows[0].count),
    doc: Number((await stack.db.query(`select count(*) from public.rot_doc where jsonb_typeof(doc) <> 'string'`)).rows[0].count),
  });

  it('seals every row in clear, across chunks, and a second pass finds nothing due', async () => {
    const dry = await rotateTables(stack.db, p, [textTable, docTable], { dryRun: true });
    expect(dry.map((t) => [t.table, t.scanned, t.due, t.rewritten])).toEqual([
      ['public.rot_text', ROWS, ROWS, 0],
      ['public.rot_doc', ROWS, ROWS, 0],
    ]);
    const done = await rotateTables(stack.db, p, [textTable, docTable]);
    // A row rewritten moves to a new ctid further on, and is met again (not due then): the ctid walk scans more rows than the table holds.
    expect(done.map((t) => [t.table, t.scanned >= ROWS, t.rewritten])).toEqual([
      ['public.rot_text', true, ROWS],
      ['public.rot_doc', true, ROWS],
    ]);
    expect(done[0].scanned).toBe(ROWS);
    expect(await inClear()).toEqual({ text: 0, doc: 0 });
    expect((await rotateTables(stack.db, p, [textTable, docTable])).map((t) => t.due)).toEqual([0, 0]);
    // Every value opens to what it was.
    const { rows } = await stack.db.query('select id, secret from public.rot_text order by id');
    expect(await Promise.all(rows.map(async (r) => await p.open(r.secret, 'rot.secret')))).toEqual(rows.map((r) => `nik-${r.id}`));
  });

  it('rewrites every row under a new master key', async () => {
    const next = new FieldProtector(new LocalKeyring(LocalKeyring.withNewKey(ring, 'r2')));
    const done = await rotateTables(stack.db, next, [textTable, docTable]);
    expect(done.map((t) => t.rewritten)).toEqual([ROWS, ROWS]);
    const { rows } = await stack.db.query(`select count(*) from public.rot_text where secret not like 'sp1.r2.%'`);
    expect(Number(rows[0].count)).toBe(0);
  });
});
