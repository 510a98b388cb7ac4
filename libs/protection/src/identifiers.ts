import { openJson, sealJson, type Protector } from './protector';

/** A value taken out of a document: where it was (keys and array positions) and what it was. */
export type TakenValue = [path: Array<string | number>, value: unknown];

/**
 * Takes every value under one of `keys` out of a JSON document, at any depth: the document without
 * them (to store as it is, for queries) and the values with their paths (to seal as one value).
 * {@link putBack} restores the document exactly.
 */
export function takeOut<T>(doc: T, keys: ReadonlySet<string>): { rest: T; taken: TakenValue[] } {
  const taken: TakenValue[] = [];
  const walk = (v: unknown, path: Array<string | number>): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (keys.has(k) && x !== undefined) taken.push([[...path, k], x]);
      else Object.defineProperty(out, k, { value: walk(x, [...path, k]), enumerable: true, writable: true, configurable: true }); // a key "__proto__" stays a key
    }
    return out;
  };
  return { rest: walk(doc, []) as T, taken };
}

/** The document {@link takeOut} split, whole again. */
export function putBack<T>(rest: T, taken: readonly TakenValue[]): T {
  const doc = structuredClone(rest) as unknown;
  for (const [path, value] of taken) {
    if (path.some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')) throw new Error('putBack: a path through an object prototype');
    let at = doc as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    at[path[path.length - 1]] = value;
  }
  return doc as T;
}

/** What identifies a person or a family directly: taken out of stored documents and sealed. */
export const IDENTIFYING_KEYS: ReadonlySet<string> = new Set(['nik', 'kk', 'name', 'birthDate']);

/**
 * A document stored in two parts (docs/security.md "Encryption at rest"): `rest` without the
 * identifying values, kept as it is for queries, and `identity`, those values sealed as one.
 */
export async function sealIdentifiers<T>(p: Protector, doc: T, context: string, keys: ReadonlySet<string> = IDENTIFYING_KEYS): Promise<{ rest: T; identity: string }> {
  const { rest, taken } = takeOut(doc, keys);
  return { rest, identity: await sealJson(p, taken, context) };
}

/** The document {@link sealIdentifiers} split, whole again; `identity` null: a row written before protection, whole already. */
export async function openIdentifiers<T>(p: Protector, rest: T, identity: string | null, context: string): Promise<T> {
  return identity === null ? rest : putBack(rest, await openJson<TakenValue[]>(p, identity, context));
}

/** NIK, KK and names: what a service that only counts or evaluates families never needs. */
export const DIRECT_IDENTIFIERS: ReadonlySet<string> = new Set(['nik', 'kk', 'name']);

/**
 * A family state without its direct identifiers, for services that keep a copy to count or evaluate
 * (aggregation, eligibility): data minimisation rather than encryption (docs/security.md). Birth
 * dates stay: ages are what they compute.
 */
export function withoutDirectIdentifiers<T>(state: T): T {
  return takeOut(state, DIRECT_IDENTIFIERS).rest;
}
