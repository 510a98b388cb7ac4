import type { GrantableField } from '@satupintu/contracts';

/**
 * DCI search criteria (`query_type` idtype-value, predicate or expression) read into one query over
 * the registry: the entity answered (Group: a family under its KK; Member: a person) and a tree of
 * conditions on a documented set of attributes. Pure: `toSql` turns the tree into a parameterised
 * WHERE clause over the gateway's registry read model.
 */
export type Entity = 'Group' | 'Member';
export type Operator = 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'in';
export type Value = string | number | boolean;

export interface Condition {
  attribute: Attribute;
  op: Operator;
  value: Value | Value[];
}
export type Tree = { all: Tree[] } | { any: Tree[] } | { not: Tree } | Condition;

export interface RegistryQuery {
  entity: Entity;
  where: Tree;
}

/**
 * The attributes a query may name, what each one is, and the grant field an agency needs to query
 * it (querying a field you may not read would reveal it). Region codes, family and person ids are
 * always visible to an agency inside its regions.
 */
export const ATTRIBUTES = {
  nik: { kind: 'member', type: 'id', grant: 'members.nik', about: 'a member\'s NIK (16 digits)' },
  person_id: { kind: 'member', type: 'uuid', grant: null, about: "the registry's person id" },
  kk: { kind: 'family', type: 'id', grant: 'kk', about: 'the KK number (16 digits)' },
  family_id: { kind: 'family', type: 'uuid', grant: null, about: "the registry's family id" },
  region: { kind: 'family', type: 'region', grant: null, about: 'a region code (province 31, regency 31.71, district 31.71.01, village 31.71.01.1001): the family lives in it' },
  group_size: { kind: 'family', type: 'number', grant: null, about: 'the number of members of the family' },
  desil: { kind: 'family', type: 'number', grant: 'attributes.welfareDecile', about: 'the welfare decile (1 poorest to 10)' },
  sex: { kind: 'member', type: 'sex', grant: 'members.sex', about: 'male or female (also M/F, L/P)' },
  age: { kind: 'member', type: 'number', grant: 'members.birthDate', about: 'age in whole years today' },
  birth_date: { kind: 'member', type: 'date', grant: 'members.birthDate', about: 'birth date YYYY-MM-DD' },
} as const satisfies Record<string, { kind: 'member' | 'family'; type: string; grant: GrantableField | null; about: string }>;
export type Attribute = keyof typeof ATTRIBUTES;

/** Identifier types of `idtype-value` queries and the attribute each one is. */
export const ID_TYPES: Record<string, Attribute> = { NIK: 'nik', UIN: 'nik', NATIONALID: 'nik', KK: 'kk', FAMILY_ID: 'family_id', GROUP_ID: 'family_id', PERSON_ID: 'person_id', MEMBER_ID: 'person_id' };

export class QueryProblem extends Error {
  constructor(
    readonly code: 'rjct.search_criteria.invalid' | 'rjct.filter.invalid',
    message: string,
  ) {
    super(message);
  }
}

const OPERATORS: Record<string, Operator> = { eq: 'eq', lt: 'lt', gt: 'gt', le: 'le', ge: 'ge', in: 'in', $eq: 'eq', $lt: 'lt', $gt: 'gt', $le: 'le', $lte: 'le', $ge: 'ge', $gte: 'ge', $in: 'in' };
const MAX_CONDITIONS = 20;

function condition(attributeName: unknown, operator: unknown, value: unknown): Condition {
  const attribute = typeof attributeName === 'string' ? attributeName.toLowerCase() : '';
  if (!(attribute in ATTRIBUTES)) throw new QueryProblem('rjct.filter.invalid', `unknown attribute "${String(attributeName).slice(0, 40)}"; known: ${Object.keys(ATTRIBUTES).join(', ')}`);
  const op = typeof operator === 'string' ? OPERATORS[operator] : undefined;
  if (!op) throw new QueryProblem('rjct.filter.invalid', `unknown operator "${String(operator).slice(0, 10)}"; known: eq, lt, gt, le, ge, in`);
  const a = attribute as Attribute;
  const spec = ATTRIBUTES[a];
  const values = op === 'in' ? value : [value];
  if (!Array.isArray(values) || values.length === 0 || values.length > 100) throw new QueryProblem('rjct.filter.invalid', `${a} ${op}: expected ${op === 'in' ? 'a list of 1 to 100 values' : 'one value'}`);
  const checked = values.map((v) => checkValue(a, spec.type, v));
  if (spec.type !== 'number' && spec.type !== 'date' && op !== 'eq' && op !== 'in') throw new QueryProblem('rjct.filter.invalid', `${a} can be compared with eq or in only`);
  return { attribute: a, op, value: op === 'in' ? checked : checked[0] };
}

function checkValue(a: Attribute, type: string, v: unknown): Value {
  const bad = (what: string) => new QueryProblem('rjct.filter.invalid', `${a}: expected ${what}`);
  switch (type) {
    case 'id':
      if (typeof v !== 'string' && typeof v !== 'number') throw bad('16 digits');
      if (!/^\d{16}$/.test(String(v))) throw bad('16 digits');
      return String(v);
    case 'uuid':
      if (typeof v !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw bad('a UUID');
      return v.toLowerCase();
    case 'region':
      if (typeof v !== 'string' || !/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/.test(v)) throw bad('a region code such as 31.71.01');
      return v;
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n) || Math.abs(n) > 1e6) throw bad('a number');
      return n;
    }
    case 'date':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v.slice(0, 10))) throw bad('a date YYYY-MM-DD');
      return v.slice(0, 10);
    case 'sex': {
      const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
      const sex = ({ male: 'M', m: 'M', l: 'M', 'laki-laki': 'M', female: 'F', f: 'F', p: 'F', perempuan: 'F' } as Record<string, 'M' | 'F'>)[s];
      if (!sex) throw bad('male or female');
      return sex;
    }
    default:
      throw bad('a value');
  }
}

/** The `search_criteria` of one DCI search request read into a registry query. */
export function readCriteria(criteria: { query_type?: unknown; query?: unknown; response_entity?: unknown }): RegistryQuery {
  const entity: Entity = criteria.response_entity === 'Member' ? 'Member' : 'Group';
  const q = criteria.query as Record<string, unknown> | unknown[] | undefined;
  let where: Tree;
  switch (criteria.query_type) {
    case 'idtype-value': {
      const { type, value } = (q ?? {}) as { type?: unknown; value?: unknown };
      const attribute = typeof type === 'string' ? ID_TYPES[type.toUpperCase()] : undefined;
      if (!attribute) throw new QueryProblem('rjct.search_criteria.invalid', `idtype-value: type must be one of ${Object.keys(ID_TYPES).join(', ')}`);
      where = condition(attribute, 'eq', value);
      break;
    }
    case 'predicate': {
      if (!Array.isArray(q) || q.length === 0 || q.length > MAX_CONDITIONS) throw new QueryProblem('rjct.search_criteria.invalid', `predicate: a list of 1 to ${MAX_CONDITIONS} expressions`);
      const items = [...q].sort((x, y) => Number((x as { seq_num?: number })?.seq_num ?? 0) - Number((y as { seq_num?: number })?.seq_num ?? 0));
      where = { all: items.map(predicateItem) };
      break;
    }
    case 'expression': {
      const value = (q as { value?: { expression?: { collection?: unknown; query?: unknown } } } | undefined)?.value;
      const expression = value?.expression;
      if (!expression || typeof expression !== 'object') throw new QueryProblem('rjct.search_criteria.invalid', 'expression: query.value.expression { collection, query } expected');
      where = expressionTree(expression.query, 0);
      if (expression.collection === 'Member' || expression.collection === 'Group') return { entity: criteria.response_entity ? entity : expression.collection, where };
      break;
    }
    default:
      throw new QueryProblem('rjct.search_criteria.invalid', 'query_type must be idtype-value, predicate or expression');
  }
  return { entity, where };
}

function predicateItem(item: unknown): Tree {
  const { expression1, condition: joiner, expression2 } = (item ?? {}) as { expression1?: Record<string, unknown>; condition?: unknown; expression2?: Record<string, unknown> };
  if (!expression1) throw new QueryProblem('rjct.search_criteria.invalid', 'predicate: each item needs expression1');
  const first = condition(expression1.attribute_name, expression1.operator, expression1.attribute_value);
  if (joiner === undefined && expression2 === undefined) return first;
  if (!expression2 || (joiner !== 'and' && joiner !== 'or' && joiner !== 'not')) throw new QueryProblem('rjct.search_criteria.invalid', 'predicate: condition (and, or, not) and expression2 go together');
  const second = condition(expression2.attribute_name, expression2.operator, expression2.attribute_value);
  if (joiner === 'and') return { all: [first, second] };
  if (joiner === 'or') return { any: [first, second] };
  return { all: [first, { not: second }] };
}

/** A Mongo-style expression ({ $and: [...], $or: [...], attribute: { $op: value } }). */
function expressionTree(node: unknown, depth: number): Tree {
  if (depth > 4 || !node || typeof node !== 'object' || Array.isArray(node)) throw new QueryProblem('rjct.search_criteria.invalid', 'expression: an object of $and, $or and attribute: { $op: value }, at most 4 levels deep');
  const parts: Tree[] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CONDITIONS) throw new QueryProblem('rjct.search_criteria.invalid', `expression: ${key} takes a list of 1 to ${MAX_CONDITIONS}`);
      const children = value.map((v) => expressionTree(v, depth + 1));
      parts.push(key === '$and' ? { all: children } : { any: children });
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [op, v] of Object.entries(value as Record<string, unknown>)) parts.push(condition(key, op, v));
    } else {
      parts.push(condition(key, 'eq', value));
    }
  }
  if (parts.length === 0) throw new QueryProblem('rjct.search_criteria.invalid', 'expression: empty');
  return parts.length === 1 ? parts[0] : { all: parts };
}

/** Every condition of a tree. */
export function conditionsOf(tree: Tree): Condition[] {
  if ('all' in tree) return tree.all.flatMap(conditionsOf);
  if ('any' in tree) return tree.any.flatMap(conditionsOf);
  if ('not' in tree) return conditionsOf(tree.not);
  return [tree];
}

/** The grant fields a query needs that the grant does not hold (a query on them is refused). */
export function ungrantedAttributes(query: RegistryQuery, granted: readonly string[]): Attribute[] {
  const have = new Set(granted);
  return [...new Set(conditionsOf(query.where).map((c) => c.attribute))].filter((a) => {
    const need = ATTRIBUTES[a].grant as string | null;
    return need !== null && !have.has(need);
  });
}

/**
 * The WHERE clause of a tree over `gateway.registry_families f` (and, for Member answers, the
 * member `m` of `jsonb_array_elements(f.state->'members')`), its values appended to `params`.
 * On a Group answer a member's attribute means "a member with it". NIK and KK are compared by their
 * blind indexes (`index`): the read model holds no NIK or KK in clear.
 */
export function toSql(tree: Tree, entity: Entity, params: unknown[], index: (kind: 'nik' | 'kk', value: string) => string): string {
  if ('all' in tree) return `(${tree.all.map((t) => toSql(t, entity, params, index)).join(' and ')})`;
  if ('any' in tree) return `(${tree.any.map((t) => toSql(t, entity, params, index)).join(' or ')})`;
  if ('not' in tree) return `(not ${toSql(tree.not, entity, params, index)})`;
  const spec = ATTRIBUTES[tree.attribute];
  const member = (expr: string) => (entity === 'Member' ? expr.replace(/\bM\b/g, 'm') : `exists (select 1 from jsonb_array_elements(f.state->'members') mm where ${expr.replace(/\bM\b/g, 'mm')})`);
  const given = Array.isArray(tree.value) ? tree.value : [tree.value];
  const values = tree.attribute === 'nik' || tree.attribute === 'kk' ? given.map((v) => index(tree.attribute as 'nik' | 'kk', String(v))) : given;
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const SQL_OPS: Record<Exclude<Operator, 'in'>, string> = { eq: '=', lt: '<', gt: '>', le: '<=', ge: '>=' };
  const compare = (column: string, cast: string) =>
    tree.op === 'in' ? `${column} = any(${param(values)}::${cast}[])` : `${column} ${SQL_OPS[tree.op]} ${param(values[0])}::${cast}`;
  switch (tree.attribute) {
    case 'region':
      return `(${values.map((v) => { const p = param(v); return `(f.village_code = ${p} or f.village_code like ${p} || '.%')`; }).join(' or ')})`;
    case 'kk':
      return compare('f.kk_index', 'text');
    case 'family_id':
      return compare('f.family_id', 'uuid');
    case 'group_size':
      return compare(`jsonb_array_length(f.state->'members')`, 'numeric');
    case 'desil':
      return compare(`(f.state->'attributes'->>'welfareDecile')::numeric`, 'numeric');
    case 'nik':
      return member(compare(`M->>'nikIndex'`, 'text'));
    case 'person_id':
      return member(compare(`(M->>'personId')::uuid`, 'uuid'));
    case 'sex':
      return member(compare(`M->>'sex'`, 'text'));
    case 'birth_date':
      return member(compare(`(M->>'birthDate')::date`, 'date'));
    case 'age':
      return member(compare(`date_part('year', age(current_date, (M->>'birthDate')::date))::numeric`, 'numeric'));
    default:
      throw new Error(`attribute without SQL: ${String(spec)}`);
  }
}

/**
 * The region codes a query names that share nothing with the granted regions (neither inside one
 * nor around one): asking for them is refused rather than answered empty. A region around a granted
 * one (31.71 for a grant of 31.71.01) is answered, cut to the grant.
 */
export function regionsOutside(query: RegistryQuery, granted: readonly string[]): string[] {
  if (granted.includes('ID')) return [];
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  const named = conditionsOf(query.where).filter((c) => c.attribute === 'region').flatMap((c) => (Array.isArray(c.value) ? c.value : [c.value]).map(String));
  return [...new Set(named.filter((r) => !granted.some((g) => overlaps(r, g))))];
}

type FamilyLike = { familyId: string; kk: string; address: { villageCode: string }; members: ReadonlyArray<MemberLike>; attributes?: { welfareDecile?: number } };
type MemberLike = { personId: string; nik?: string | null; sex?: 'M' | 'F' | null; birthDate?: string | null };

/** Whole years between a birth date and a day. */
function ageOn(birthDate: string, day: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = day.getUTCFullYear() - y;
  if (day.getUTCMonth() + 1 < m || (day.getUTCMonth() + 1 === m && day.getUTCDate() < d)) age -= 1;
  return age;
}

function compareValue(actual: Value | null | undefined, op: Operator, expected: Value | Value[]): boolean {
  if (actual === null || actual === undefined) return false;
  if (op === 'in') return (expected as Value[]).includes(actual);
  const e = expected as Value;
  switch (op) {
    case 'eq': return actual === e;
    case 'lt': return actual < e;
    case 'gt': return actual > e;
    case 'le': return actual <= e;
    case 'ge': return actual >= e;
  }
}

/**
 * Whether a family (and, for a Member, one of its members) meets a query, as `toSql` would have
 * it: for subscriptions, whose filter is checked on each registry event rather than in SQL. On a
 * family without a member given, a member's attribute means "a member with it".
 */
export function matches(tree: Tree, family: FamilyLike, member: MemberLike | null, today: Date): boolean {
  if ('all' in tree) return tree.all.every((t) => matches(t, family, member, today));
  if ('any' in tree) return tree.any.some((t) => matches(t, family, member, today));
  if ('not' in tree) return !matches(tree.not, family, member, today);
  const values = Array.isArray(tree.value) ? tree.value : [tree.value];
  const village = family.address.villageCode;
  const onMember = (read: (m: MemberLike) => Value | null | undefined) =>
    member ? compareValue(read(member), tree.op, tree.value) : family.members.some((m) => compareValue(read(m), tree.op, tree.value));
  switch (tree.attribute) {
    case 'region':
      return values.some((r) => village === r || village.startsWith(`${String(r)}.`));
    case 'kk':
      return compareValue(family.kk, tree.op, tree.value);
    case 'family_id':
      return compareValue(family.familyId.toLowerCase(), tree.op, tree.value);
    case 'group_size':
      return compareValue(family.members.length, tree.op, tree.value);
    case 'desil':
      return compareValue(family.attributes?.welfareDecile, tree.op, tree.value);
    case 'nik':
      return onMember((m) => m.nik);
    case 'person_id':
      return onMember((m) => m.personId.toLowerCase());
    case 'sex':
      return onMember((m) => m.sex);
    case 'birth_date':
      return onMember((m) => m.birthDate);
    case 'age':
      return onMember((m) => (m.birthDate ? ageOn(m.birthDate, today) : null));
  }
}
