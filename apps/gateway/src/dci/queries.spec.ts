import { matches, QueryProblem, readCriteria, regionsOutside, toSql, ungrantedAttributes } from './queries';

describe('DCI search criteria', () => {
  it('reads idtype-value, predicate and expression queries into one tree', () => {
    expect(readCriteria({ query_type: 'idtype-value', response_entity: 'Member', query: { type: 'nik', value: '3171010101800001' } })).toEqual({ entity: 'Member', where: { attribute: 'nik', op: 'eq', value: '3171010101800001' } });
    const predicate = readCriteria({
      query_type: 'predicate',
      query: [
        { seq_num: 2, expression1: { attribute_name: 'sex', operator: 'eq', attribute_value: 'Female' }, condition: 'or', expression2: { attribute_name: 'age', operator: 'lt', attribute_value: '5' } },
        { seq_num: 1, expression1: { attribute_name: 'region', operator: 'in', attribute_value: ['31.71', '32.01'] } },
      ],
    });
    expect(predicate).toEqual({ entity: 'Group', where: { all: [{ attribute: 'region', op: 'in', value: ['31.71', '32.01'] }, { any: [{ attribute: 'sex', op: 'eq', value: 'F' }, { attribute: 'age', op: 'lt', value: 5 }] }] } });
    const expression = readCriteria({ query_type: 'expression', query: { value: { expression: { collection: 'Member', query: { $and: [{ age: { $gte: 60 } }, { region: '31.71' }] } } } } });
    expect(expression).toEqual({ entity: 'Member', where: { all: [{ attribute: 'age', op: 'ge', value: 60 }, { attribute: 'region', op: 'eq', value: '31.71' }] } });
  });

  it('refuses unknown attributes, operators, types and values with the spec reason codes', () => {
    const code = (c: Parameters<typeof readCriteria>[0]) => {
      try {
        readCriteria(c);
        return null;
      } catch (e) {
        return e instanceof QueryProblem ? e.code : 'thrown';
      }
    };
    expect(code({ query_type: 'graphql', query: {} })).toBe('rjct.search_criteria.invalid');
    expect(code({ query_type: 'idtype-value', query: { type: 'PASSPORT', value: '1' } })).toBe('rjct.search_criteria.invalid');
    expect(code({ query_type: 'idtype-value', query: { type: 'NIK', value: '123' } })).toBe('rjct.filter.invalid');
    expect(code({ query_type: 'predicate', query: [{ expression1: { attribute_name: 'income', operator: 'eq', attribute_value: 1 } }] })).toBe('rjct.filter.invalid');
    expect(code({ query_type: 'predicate', query: [{ expression1: { attribute_name: 'sex', operator: 'lt', attribute_value: 'male' } }] })).toBe('rjct.filter.invalid');
    expect(code({ query_type: 'predicate', query: [{ expression1: { attribute_name: 'region', operator: 'eq', attribute_value: "31' or 1=1 --" } }] })).toBe('rjct.filter.invalid');
    expect(code({ query_type: 'predicate', query: [] })).toBe('rjct.search_criteria.invalid');
    expect(code({ query_type: 'expression', query: { value: { expression: { query: { a: { b: { c: { d: { e: 1 } } } } } } } } })).toBe('rjct.filter.invalid');
  });

  it('puts every value in a parameter, never in the SQL text', () => {
    const params: unknown[] = [];
    const q = readCriteria({ query_type: 'predicate', query: [{ expression1: { attribute_name: 'region', operator: 'eq', attribute_value: '31.71' }, condition: 'not', expression2: { attribute_name: 'nik', operator: 'eq', attribute_value: '3171010101800001' } }] });
    const sql = toSql(q.where, 'Group', params, (kind, v) => `index(${kind}:${v})`);
    expect(sql).not.toContain('31.71');
    expect(sql).not.toContain('3171010101800001');
    expect(params).toEqual(['31.71', 'index(nik:3171010101800001)']);
    expect(sql).toContain('not exists') ;
  });

  it("names what a grant does not hold, and regions that share nothing with the grant's", () => {
    const q = readCriteria({ query_type: 'predicate', query: [{ expression1: { attribute_name: 'desil', operator: 'le', attribute_value: 3 }, condition: 'and', expression2: { attribute_name: 'region', operator: 'in', attribute_value: ['31.71', '31.72.01', '32'] } }] });
    expect(ungrantedAttributes(q, ['kk', 'members.nik'])).toEqual(['desil']);
    expect(ungrantedAttributes(q, ['attributes.welfareDecile'])).toEqual([]);
    expect(regionsOutside(q, ['31.71.01'])).toEqual(['31.72.01', '32']);
    expect(regionsOutside(q, ['ID'])).toEqual([]);
  });
});

describe('matches (subscription filters on a registry event)', () => {
  const family = {
    familyId: '7b0a4c1e-0000-4000-8000-000000000001',
    kk: '3171010101200001',
    address: { villageCode: '31.71.01.1001' },
    attributes: { welfareDecile: 2 },
    members: [
      { personId: 'p1', nik: '3171011203700001', sex: 'M' as const, birthDate: '1970-03-12' },
      { personId: 'p2', nik: '3171014506720002', sex: 'F' as const, birthDate: '1972-06-05' },
      { personId: 'p3', nik: '3171010101230003', sex: 'F' as const, birthDate: '2023-01-01' },
    ],
  };
  const today = new Date('2026-12-03T00:00:00Z');
  const where = (query: unknown) => readCriteria({ query_type: 'predicate', query }).where;

  it('agrees with the search attributes on a family and on each member', () => {
    expect(matches(where([{ expression1: { attribute_name: 'region', operator: 'eq', attribute_value: '31.71' } }]), family, null, today)).toBe(true);
    expect(matches(where([{ expression1: { attribute_name: 'region', operator: 'eq', attribute_value: '31.72' } }]), family, null, today)).toBe(false);
    expect(matches(where([{ expression1: { attribute_name: 'group_size', operator: 'ge', attribute_value: 3 }, condition: 'and', expression2: { attribute_name: 'desil', operator: 'le', attribute_value: 2 } }]), family, null, today)).toBe(true);
    const under5 = where([{ expression1: { attribute_name: 'age', operator: 'lt', attribute_value: 5 } }]);
    expect(matches(under5, family, null, today)).toBe(true);
    expect(family.members.filter((m) => matches(under5, family, m, today)).map((m) => m.personId)).toEqual(['p3']);
    const women = where([{ expression1: { attribute_name: 'sex', operator: 'eq', attribute_value: 'female' }, condition: 'not', expression2: { attribute_name: 'age', operator: 'lt', attribute_value: 18 } }]);
    expect(family.members.filter((m) => matches(women, family, m, today)).map((m) => m.personId)).toEqual(['p2']);
    expect(matches(where([{ expression1: { attribute_name: 'nik', operator: 'in', attribute_value: ['3171014506720002', '3171010000000000'] } }]), family, null, today)).toBe(true);
  });
});
