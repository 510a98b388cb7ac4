import { TOPICS, type FamilyRejectedV1, type FamilyValidatedV1 } from '@satupintu/contracts';
import { authFetch, eventually, family, submit, TestStack, TopicTap } from '@satupintu/testing';

interface Status {
  status: string;
  revision: number;
  trail: Array<{ status: string; revision: number; errors?: Array<{ code: string; path: string; message: { id: string; en: string } }>; warnings?: Array<{ code: string }>; ruleSetVersion?: string }>;
}

/** Gateway + validation on the real stack: a mixed batch ends with the right statuses and messages. */
describe('validation results seen through the gateway', () => {
  const stack = new TestStack('statuses');
  let gateway: string;
  let validated: TopicTap<FamilyValidatedV1>;
  let rejected: TopicTap<FamilyRejectedV1>;

  beforeAll(async () => {
    await stack.setUp();
    gateway = (await stack.start('gateway')).url;
    await stack.start('validation');
    validated = await new TopicTap<FamilyValidatedV1>(stack, TOPICS.familyValidated).start();
    rejected = await new TopicTap<FamilyRejectedV1>(stack, TOPICS.familyRejected).start();
  });

  afterAll(async () => {
    await Promise.all([validated.stop(), rejected.stop()]);
    await stack.tearDown();
  });

  const statusOf = (id: string, wanted: string, revision = 1) =>
    eventually(async () => {
      const s = (await (await authFetch(`${gateway}/v1/submissions/${id}`)).json()) as Status;
      return s.status === wanted && s.revision === revision ? s : undefined;
    });

  it('validates, warns and rejects record by record, with every reason, and takes a corrected revision', async () => {
    const ok = family();
    const warned = family();
    warned.members[0].birthDate = '1970-03-13'; // NIK says the 12th
    const invalid = family();
    invalid.members[0].nik = '123';
    invalid.address.rt = 'A1';
    const unknownField = { ...family(), religionFreeText: 'x' };
    const res = await submit(gateway, [
      { idempotencyKey: 'mix-ok', family: ok },
      { idempotencyKey: 'mix-warn', family: warned },
      { idempotencyKey: 'mix-bad', family: invalid },
      { idempotencyKey: 'mix-unknown', family: unknownField },
    ]);
    const [idOk, idWarn, idBad, idUnknown] = res.body.records.map((r) => r.id as string);

    const sOk = await statusOf(idOk, 'validated');
    expect(sOk.trail[1]).toEqual(expect.objectContaining({ status: 'validated', warnings: [], ruleSetVersion: '2026.11.1' }));
    const sWarn = await statusOf(idWarn, 'validated');
    expect(sWarn.trail[1].warnings?.map((w) => w.code)).toEqual(['NIK_DATE_MISMATCH']);
    const sBad = await statusOf(idBad, 'rejected');
    expect(sBad.trail[1].errors?.map((e) => [e.code, e.path])).toEqual([
      ['NIK_FORMAT', 'members.0.nik'],
      ['RT_RW_FORMAT', 'address.rt'],
    ]);
    expect(sBad.trail[1].errors?.[0].message.id).toMatch(/NIK/);
    const sUnknown = await statusOf(idUnknown, 'rejected');
    expect(sUnknown.trail[1].errors?.map((e) => [e.code, e.path])).toEqual([['UNKNOWN_FIELD', 'religionFreeText']]);

    expect(validated.messages.map((m) => m.value.recordId).sort()).toEqual([idOk, idWarn].sort());
    expect(rejected.messages.map((m) => m.value.recordId).sort()).toEqual([idBad, idUnknown].sort());

    // The cadre corrects the record and sends it again under the same key: revision 2, validated.
    const fixed = { ...invalid, members: [{ ...invalid.members[0], nik: family().members[0].nik }, ...invalid.members.slice(1)], address: { ...invalid.address, rt: '001' } };
    const again = await submit(gateway, [{ idempotencyKey: 'mix-bad', family: fixed }]);
    expect(again.body.records[0]).toEqual(expect.objectContaining({ id: idBad, revision: 2, status: 'accepted' }));
    const sFixed = await statusOf(idBad, 'validated', 2);
    expect(sFixed.trail.map((t) => [t.status, t.revision])).toEqual([
      ['received', 1],
      ['rejected', 1],
      ['received', 2],
      ['validated', 2],
    ]);
  });
});
