import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { KeyService } from './keys';
import type { Protector } from './protector';

/** What a blind index is kept for: the identifiers the platform searches by, and the matching index's blocking keys. */
export type IndexedKind = 'nik' | 'kk' | 'block';

const VERSION = 'sp1';
/** Unwrapped data keys kept in memory (each process makes one per master key, so few exist). */
const MAX_CACHED_KEYS = 256;

/**
 * Envelope encryption of personal fields (NIK, KK, names, birth dates) at the application level,
 * and blind indexes to find a row by NIK or KK without a plain column (docs/security.md
 * "Encryption at rest").
 *
 * - Each process draws one data key (AES-256-GCM) per master key and has the key service wrap it;
 *   a value is encrypted with a fresh 96-bit nonce under that data key. The ciphertext carries the
 *   master key's id and the wrapped data key, so any instance can read it and rotation knows which
 *   rows are due: `sp1.<keyId>.<wrapped data key>.<nonce>.<ciphertext and tag>` (base64url).
 * - The context (for example `registry.persons.nik`) is authenticated with the value, so a
 *   ciphertext moved to another column or table does not decrypt.
 * - A blind index is an HMAC-SHA-256 of the kind and the value under the index key: equal values
 *   give equal indexes (so a unique constraint and an equality search still work), and without the
 *   key nobody can test a guessed NIK against it.
 */
export class FieldProtector implements Protector {
  readonly encrypts = true;
  // Keys as KeyObjects: Node builds one from a Buffer on every cipher or HMAC otherwise (5x slower).
  private current?: { keyId: string; dataKey: KeyObject; wrapped: string };
  private readonly unwrapped = new Map<string, KeyObject>();
  private indexKeyObject?: KeyObject;

  constructor(private readonly keys: KeyService) {}

  async encrypt(value: string, context: string): Promise<string> {
    const { keyId, dataKey, wrapped } = await this.dataKey();
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
    cipher.setAAD(Buffer.from(`${keyId}:${context}`));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, keyId, wrapped, nonce.toString('base64url'), body.toString('base64url')].join('.');
  }

  async decrypt(ciphertext: string, context: string): Promise<string> {
    const { keyId, wrapped, nonce, body } = parse(ciphertext);
    const dataKey = await this.unwrap(keyId, wrapped);
    const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce);
    decipher.setAAD(Buffer.from(`${keyId}:${context}`));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }

  /** `null` and `undefined` pass through: an absent NIK stays absent. */
  async encryptOptional(value: string | null | undefined, context: string): Promise<string | null> {
    return value === null || value === undefined ? null : this.encrypt(value, context);
  }

  async decryptOptional(ciphertext: string | null | undefined, context: string): Promise<string | null> {
    return ciphertext === null || ciphertext === undefined ? null : this.decrypt(ciphertext, context);
  }

  /** The master key a ciphertext was written under (rotation re-encrypts the rows whose key is not the active one). */
  static keyIdOf(ciphertext: string): string {
    return parse(ciphertext).keyId;
  }

  /** Whether a ciphertext is under another master key than the active one. */
  needsRotation(ciphertext: string): boolean {
    return FieldProtector.keyIdOf(ciphertext) !== this.keys.activeKeyId();
  }



  seal(value: string, context: string): Promise<string> {
    return this.encrypt(value, context);
  }

  /** Decrypts a protected value; a value stored in clear (before encryption was turned on) comes back as it is. */
  open(stored: string, context: string): Promise<string> {
    return isProtected(stored) ? this.decrypt(stored, context) : Promise.resolve(stored);
  }


  index(kind: IndexedKind, value: string): string {
    return this.blindIndex(kind, value);
  }

  /** Stored in clear, or under a master key other than the active one. */
  isDue(stored: string): boolean {
    return !isProtected(stored) || this.needsRotation(stored);
  }

  activeKeyId(): string {
    return this.keys.activeKeyId();
  }

  /** The keyed blind index of a NIK or KK (43 characters, base64url). */
  blindIndex(kind: IndexedKind, value: string): string {
    this.indexKeyObject ??= createSecretKey(this.keys.indexKey());
    return createHmac('sha256', this.indexKeyObject).update(`${kind}:${value}`).digest('base64url');
  }

  private async dataKey(): Promise<{ keyId: string; dataKey: KeyObject; wrapped: string }> {
    if (this.current && this.current.keyId === this.keys.activeKeyId()) return this.current;
    const raw = randomBytes(32);
    const { keyId, wrapped } = await this.keys.wrap(raw);
    this.current = { keyId, dataKey: createSecretKey(raw), wrapped: wrapped.toString('base64url') };
    raw.fill(0);
    this.remember(`${keyId}.${this.current.wrapped}`, this.current.dataKey);
    return this.current;
  }

  private async unwrap(keyId: string, wrapped: string): Promise<KeyObject> {
    const id = `${keyId}.${wrapped}`;
    const cached = this.unwrapped.get(id);
    if (cached) return cached;
    const raw = await this.keys.unwrap(keyId, Buffer.from(wrapped, 'base64url'));
    const dataKey = createSecretKey(raw);
    raw.fill(0);
    this.remember(id, dataKey);
    return dataKey;
  }

  private remember(id: string, dataKey: KeyObject): void {
    if (this.unwrapped.size >= MAX_CACHED_KEYS) this.unwrapped.delete(this.unwrapped.keys().next().value as string);
    this.unwrapped.set(id, dataKey);
  }
}

/** Whether a stored value is a protected one (`sp1.` and five parts), not a value in clear. */
export function isProtected(stored: string): boolean {
  return stored.startsWith(`${VERSION}.`) && stored.split('.').length === 5;
}

function parse(ciphertext: string): { keyId: string; wrapped: string; nonce: Buffer; body: Buffer } {
  const parts = ciphertext.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a protected value');
  const [, keyId, wrapped, nonce, body] = parts;
  const n = Buffer.from(nonce, 'base64url');
  const b = Buffer.from(body, 'base64url');
  if (n.length !== 12 || b.length < 16) throw new Error('not a protected value');
  return { keyId, wrapped, nonce: n, body: b };
}
