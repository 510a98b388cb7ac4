import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The key service that protects data keys, shaped like a cloud KMS (encrypt/decrypt a small secret
 * under a named master key that never leaves it). Production puts a KMS client behind this
 * interface; locally, {@link LocalKeyring} holds the master keys from a file or an environment
 * variable.
 */
export interface KeyService {
  /** The master key new data keys are wrapped with. */
  activeKeyId(): string;
  /** Wraps a data key with the active master key. */
  wrap(dataKey: Buffer): Promise<{ keyId: string; wrapped: Buffer }>;
  /** Unwraps a data key wrapped by `keyId` (any key of the ring, active or retired). */
  unwrap(keyId: string, wrapped: Buffer): Promise<Buffer>;
  /** The key of blind indexes (HMAC); a KMS would hold it as a MAC key. Not rotated with the master keys. */
  indexKey(): Buffer;
}

/**
 * A keyring as JSON: `{ "active": "2026-12", "keys": { "2026-12": "<32 bytes, base64>", ... },
 * "index": "<32 bytes, base64>" }`. Retired keys stay in the ring until `rotate` has re-encrypted
 * every row they protect.
 */
export interface KeyringJson {
  active: string;
  keys: Record<string, string>;
  index: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Master keys held in the process: from `PROTECTION_KEYRING` (JSON) or the file `PROTECTION_KEYRING_FILE`. */
export class LocalKeyring implements KeyService {
  private readonly keys: Map<string, Buffer>;
  private readonly active: string;
  private readonly index: Buffer;

  constructor(ring: KeyringJson) {
    const decode = (name: string, b64: string): Buffer => {
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32) throw new Error(`keyring: key ${name} must be 32 bytes (base64)`);
      return key;
    };
    this.keys = new Map(Object.entries(ring.keys ?? {}).map(([id, b64]) => {
      if (!KEY_ID.test(id)) throw new Error(`keyring: key id ${JSON.stringify(id)} must be 1 to 32 letters, digits, '_' or '-'`);
      return [id, decode(id, b64)];
    }));
    if (!this.keys.has(ring.active)) throw new Error('keyring: the active key is not among its keys');
    this.active = ring.active;
    this.index = decode('index', ring.index ?? '');
  }

  static fromEnv(env: Record<string, string | undefined>): LocalKeyring | null {
    const json = env.PROTECTION_KEYRING ?? (env.PROTECTION_KEYRING_FILE ? readFileSync(env.PROTECTION_KEYRING_FILE, 'utf8') : undefined);
    return json ? new LocalKeyring(JSON.parse(json) as KeyringJson) : null;
  }

  /** A new ring of one fresh master key and a fresh index key. */
  static generate(keyId: string): KeyringJson {
    return { active: keyId, keys: { [keyId]: randomBytes(32).toString('base64') }, index: randomBytes(32).toString('base64') };
  }

  /** `ring` with a new active master key; the old ones kept for reading. */
  static withNewKey(ring: KeyringJson, keyId: string): KeyringJson {
    if (ring.keys[keyId]) throw new Error(`keyring: key ${keyId} exists already`);
    return { ...ring, active: keyId, keys: { ...ring.keys, [keyId]: randomBytes(32).toString('base64') } };
  }

  activeKeyId(): string {
    return this.active;
  }

  async wrap(dataKey: Buffer): Promise<{ keyId: string; wrapped: Buffer }> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.active)!, iv);
    cipher.setAAD(Buffer.from(`satupintu-data-key:${this.active}`));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyId: this.active, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  async unwrap(keyId: string, wrapped: Buffer): Promise<Buffer> {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`keyring: no key ${keyId} (retired before every row was rotated?)`);
    const decipher = createDecipheriv('aes-256-gcm', key, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(`satupintu-data-key:${keyId}`));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }

  indexKey(): Buffer {
    return this.index;
  }
}
