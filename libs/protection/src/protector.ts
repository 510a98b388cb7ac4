import { FieldProtector, isProtected, type IndexedKind } from './field-protector';
import { LocalKeyring } from './keys';

/**
 * What a service's storage code asks of encryption at rest: seal a value for a column, open it again,
 * and the blind index to find a row by NIK or KK. {@link FieldProtector} does it with keys;
 * {@link PlainText} stores values as they are (`PROTECTION=off`, for measuring the cost only).
 */
export interface Protector {
  /** Whether values are encrypted (false only with `PROTECTION=off`). */
  readonly encrypts: boolean;
  seal(value: string, context: string): Promise<string>;
  /** Opens a sealed value; a value stored before encryption was turned on is given back as it is. */
  open(stored: string, context: string): Promise<string>;
  index(kind: IndexedKind, value: string): string;
  /** Whether a stored value should be written again: it is under a retired key, or not encrypted yet. */
  isDue(stored: string): boolean;
  /** The master key new values are sealed under (null in clear). */
  activeKeyId(): string | null;
}

/** Values as they are, and the identifier itself as its "index". Never the default: `PROTECTION=off` asks for it. */
export class PlainText implements Protector {
  readonly encrypts = false;
  async seal(value: string, _context?: string): Promise<string> {
    return value;
  }
  async open(stored: string, _context?: string): Promise<string> {
    return stored;
  }
  index(_kind: IndexedKind, value: string): string {
    return value;
  }
  isDue(_stored?: string): boolean {
    return false;
  }
  activeKeyId(): null {
    return null;
  }
}

/** A stored value (under any key of the ring, or in clear) sealed again under the active key. */
export async function reseal(p: Protector, stored: string, context: string): Promise<string> {
  return p.seal(await p.open(stored, context), context);
}

/** Seals a JSON document as one value (one data key and nonce for all its fields). */
export async function sealJson(p: Protector, value: unknown, context: string): Promise<string> {
  return p.seal(JSON.stringify(value), context);
}

export async function openJson<T>(p: Protector, stored: string, context: string): Promise<T> {
  return JSON.parse(await p.open(stored, context)) as T;
}

/**
 * A sealed document kept in a jsonb column is a JSON string: the JSON text to pass for the column.
 * {@link openJsonColumn} reads it back.
 */
export async function sealJsonColumn(p: Protector, value: unknown, context: string): Promise<string> {
  return JSON.stringify(await sealJson(p, value, context));
}

/** A jsonb column's document: opened when sealed (a JSON string), as it is when stored before protection. */
export async function openJsonColumn<T>(p: Protector, stored: unknown, context: string): Promise<T> {
  return typeof stored === 'string' ? openJson<T>(p, stored, context) : (stored as T);
}

export class ProtectionConfigError extends Error {}

/**
 * The protector a service runs with: its keyring from `PROTECTION_KEYRING` (JSON) or
 * `PROTECTION_KEYRING_FILE`; plain text only when `PROTECTION=off` says so. Neither: an error, so a
 * service never stores personal data in clear by omission.
 */
export function protectorFromEnv(env: Record<string, string | undefined>): Protector {
  if (env.PROTECTION === 'off') return new PlainText();
  if (env.PROTECTION !== undefined && env.PROTECTION !== 'on') throw new ProtectionConfigError('PROTECTION must be "on" (the default) or "off"');
  let ring: LocalKeyring | null;
  try {
    ring = LocalKeyring.fromEnv(env);
  } catch (err) {
    // The message names the problem (a key's length, a missing active key), never a key.
    throw new ProtectionConfigError(`PROTECTION_KEYRING: ${err instanceof Error && err.message.startsWith('keyring:') ? err.message : 'cannot be read as a keyring'}`);
  }
  if (!ring) throw new ProtectionConfigError('PROTECTION_KEYRING or PROTECTION_KEYRING_FILE is required (or PROTECTION=off, which stores personal data in clear)');
  return new FieldProtector(ring);
}

/** The Nest injection token of a service's {@link Protector}. */
export const PROTECTOR = Symbol('PROTECTOR');

/** Seals bytes (an uploaded file's chunk) as the UTF-8 bytes of a protected value. */
export async function sealBytes(p: Protector, data: Buffer, context: string): Promise<Buffer> {
  return p.encrypts ? Buffer.from(await p.seal(data.toString('base64'), context), 'utf8') : data;
}

/** Bytes {@link sealBytes} sealed; bytes stored in clear (before protection, or with PROTECTION=off) come back as they are. */
export async function openBytes(p: Protector, stored: Buffer, context: string): Promise<Buffer> {
  const text = stored.subarray(0, 4).toString('latin1') === 'sp1.' ? stored.toString('utf8') : null;
  return text !== null && isProtected(text) ? Buffer.from(await p.open(text, context), 'base64') : stored;
}
