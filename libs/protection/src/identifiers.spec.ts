import fc from 'fast-check';
import { IDENTIFYING_KEYS, putBack, takeOut } from './identifiers';

describe('identifiers taken out of a document', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, true, 1, 'x'), fc.string({ maxLength: 8 }), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.constantFrom('nik', 'kk', 'name', 'birthDate', 'members', 'sex', 'a', 'b'), tie('value'), { maxKeys: 5 }),
  })).value;

  it('puts back exactly what it took out, and leaves no identifying key behind', () => {
    fc.assert(
      fc.property(json, (doc) => {
        const { rest, taken } = takeOut(doc, IDENTIFYING_KEYS);
        expect(putBack(rest, taken)).toEqual(doc);
        const keysLeft = JSON.stringify(rest).match(/"(nik|kk|name|birthDate)":/g);
        expect(keysLeft).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('splits a family state into what queries read and what identifies its people', () => {
    const state = { familyId: 'f1', kk: '3171010101010001', members: [{ personId: 'p1', nik: '3171014101800001', name: 'Siti Aminah', birthDate: '1980-01-01', sex: 'F' }] };
    const { rest, taken } = takeOut(state, new Set(['kk', 'nik', 'name']));
    expect(rest).toEqual({ familyId: 'f1', members: [{ personId: 'p1', birthDate: '1980-01-01', sex: 'F' }] });
    expect(taken).toEqual([
      [['kk'], '3171010101010001'],
      [['members', 0, 'nik'], '3171014101800001'],
      [['members', 0, 'name'], 'Siti Aminah'],
    ]);
  });
});
