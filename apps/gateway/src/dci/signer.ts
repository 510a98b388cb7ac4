import { Inject, Injectable } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { signEnvelope } from './signature';

/**
 * The platform's DCI signing key (DCI_SIGNING_KEY, or one generated at start outside production):
 * signs every answer and callback, and is published as a JWKS. Without a key (production without
 * DCI_SIGNING_KEY) the DCI API is off.
 */
@Injectable()
export class DciSigner {
  private readonly key: KeyObject | null;
  readonly keyId: string;
  readonly platformId: string;

  constructor(@Inject(ACCESS_SETTINGS) settings: AccessSettings) {
    const pem = settings.dci.signingKeyPem;
    this.key = pem ? createPrivateKey(pem) : settings.dci.generateKey ? generateKeyPairSync('ed25519').privateKey : null;
    if (this.key && this.key.asymmetricKeyType !== 'ed25519') throw new Error('DCI_SIGNING_KEY must be an Ed25519 private key');
    const spki = this.key ? createPublicKey(this.key).export({ type: 'spki', format: 'der' }) : Buffer.alloc(0);
    this.keyId = createHash('sha256').update(spki).digest('base64url').slice(0, 16);
    this.platformId = settings.dci.platformId;
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** The signed envelope of a header and message. */
  envelope(header: Record<string, unknown>, message: unknown) {
    const signature = signEnvelope({ header, message }, { privateKey: this.key!, senderId: this.platformId, keyId: this.keyId, algorithm: 'ed25519' }, new Date());
    return { signature, header, message };
  }

  jwks() {
    if (!this.key) return { keys: [] };
    const jwk = createPublicKey(this.key).export({ format: 'jwk' });
    return { keys: [{ ...jwk, kid: this.keyId, alg: 'EdDSA', use: 'sig' }] };
  }
}
