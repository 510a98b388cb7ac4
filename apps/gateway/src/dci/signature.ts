import { canonicalJson } from '@satupintu/domain';
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Message signatures of the DCI (SPDCI) API: the `signature` of an envelope signs its `header` and
 * `message`. The string is the spec's example form:
 *
 *   Signature: namespace="spdci", kidId="{sender_id}|{key_id}|{algorithm}", algorithm="ed25519",
 *   created="1606970629", expires="1607030629", headers="(created) (expires) digest", signature="..."
 *
 * What is signed (the spec leaves it to implementations; this is documented in docs/dci.md):
 *
 *   (created): {created}\n(expires): {expires}\ndigest: BLAKE-512={base64 BLAKE2b-512 of canonical JSON of {header, message}}
 *
 * Canonical JSON: keys sorted at every level, no spaces (so a re-serialised body verifies).
 * Ed25519 signs the string itself; RSA signs its SHA-256 (PKCS#1 v1.5).
 */
export const SIGNATURE_ALGORITHMS = ['ed25519', 'rsa-sha256'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export interface SignatureParams {
  senderId: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
  created: number;
  expires: number;
  signature: string;
}

/** Why a signature is refused: missing, or invalid (malformed, unknown key, wrong, not yet valid, expired). */
export type SignatureProblem = { code: 'err.signature.missing' | 'err.signature.invalid' | 'err.sender_id.invalid'; message: string };

const PARAM = /([a-zA-Z]+)="([^"]*)"/g;

/** The parameters of a signature string, or null when it is not one. */
export function parseSignature(text: unknown): SignatureParams | null {
  if (typeof text !== 'string' || text.length > 4096) return null;
  const body = text.replace(/^\s*Signature:\s*/i, '');
  const p: Record<string, string> = {};
  for (const m of body.matchAll(PARAM)) p[m[1]] = m[2];
  const kid = (p.kidId ?? p.keyId ?? '').split('|');
  const algorithm = (p.algorithm ?? kid[2]) as SignatureAlgorithm;
  const created = Number(p.created);
  const expires = Number(p.expires);
  if (kid.length !== 3 || !kid[0] || !kid[1] || !SIGNATURE_ALGORITHMS.includes(algorithm) || kid[2] !== algorithm) return null;
  if (!Number.isInteger(created) || !Number.isInteger(expires) || !p.signature) return null;
  return { senderId: kid[0], keyId: kid[1], algorithm, created, expires, signature: p.signature };
}

/** The string a signature covers. */
export function signingString(created: number, expires: number, envelope: { header: unknown; message: unknown }): string {
  const digest = createHash('blake2b512').update(canonicalJson({ header: envelope.header, message: envelope.message })).digest('base64');
  return `(created): ${created}\n(expires): ${expires}\ndigest: BLAKE-512=${digest}`;
}

/** Signs an envelope's header and message: the `signature` string to send with it. */
export function signEnvelope(
  envelope: { header: unknown; message: unknown },
  key: { privateKey: KeyObject; senderId: string; keyId: string; algorithm: SignatureAlgorithm },
  now: Date,
  ttlSeconds = 300,
): string {
  const created = Math.floor(now.getTime() / 1000);
  const expires = created + ttlSeconds;
  const data = Buffer.from(signingString(created, expires, envelope));
  const signature = sign(key.algorithm === 'ed25519' ? null : 'sha256', data, key.privateKey).toString('base64');
  return `Signature: namespace="spdci", kidId="${key.senderId}|${key.keyId}|${key.algorithm}", algorithm="${key.algorithm}", created="${created}", expires="${expires}", headers="(created) (expires) digest", signature="${signature}"`;
}

/** A sender's registered public key, as `verifyEnvelope` needs it. */
export interface SenderKey {
  keyId: string;
  algorithm: SignatureAlgorithm;
  publicKeyPem: string;
}

/** Clock skew allowed on `created` (a sender's clock a little ahead). */
const SKEW_SECONDS = 60;
/** Longest validity a sender may give a signature. */
const MAX_VALIDITY_SECONDS = 3600;

/**
 * Checks an envelope's signature against the sender named in its header: null when it holds, else
 * the spec's error code. The signature must name the header's sender and one of its keys, be
 * created no later than now (+ skew), not be expired, be valid for at most an hour, and verify.
 */
export function verifyEnvelope(envelope: { signature?: unknown; header: { sender_id?: unknown }; message: unknown }, keys: readonly SenderKey[], now: Date): SignatureProblem | null {
  if (envelope.signature === undefined || envelope.signature === null || envelope.signature === '') return { code: 'err.signature.missing', message: 'the envelope carries no signature' };
  const p = parseSignature(envelope.signature);
  if (!p) return { code: 'err.signature.invalid', message: 'the signature is not of the form Signature: namespace="spdci", kidId="sender|key|algorithm", created, expires, signature' };
  if (p.senderId !== envelope.header.sender_id) return { code: 'err.signature.invalid', message: "the signature's kidId names another sender than header.sender_id" };
  const key = keys.find((k) => k.keyId === p.keyId && k.algorithm === p.algorithm);
  if (!key) return { code: 'err.signature.invalid', message: 'the signing key is not registered for this sender' };
  const t = Math.floor(now.getTime() / 1000);
  if (p.created > t + SKEW_SECONDS) return { code: 'err.signature.invalid', message: 'the signature is created in the future' };
  if (p.expires <= t) return { code: 'err.signature.invalid', message: 'the signature has expired' };
  if (p.expires <= p.created || p.expires - p.created > MAX_VALIDITY_SECONDS) return { code: 'err.signature.invalid', message: `a signature must expire after it is created, within ${MAX_VALIDITY_SECONDS} s` };
  let ok = false;
  try {
    const data = Buffer.from(signingString(p.created, p.expires, envelope));
    ok = verify(p.algorithm === 'ed25519' ? null : 'sha256', data, createPublicKey(key.publicKeyPem), Buffer.from(p.signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? null : { code: 'err.signature.invalid', message: 'the signature does not verify' };
}

/** A public key PEM checked for its algorithm, or the reason it is refused. */
export function checkPublicKey(pem: string, algorithm: SignatureAlgorithm): string | null {
  try {
    const key = createPublicKey(pem);
    if (algorithm === 'ed25519' && key.asymmetricKeyType !== 'ed25519') return 'the key is not an Ed25519 public key';
    if (algorithm === 'rsa-sha256' && (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)) return 'the key is not an RSA public key of at least 2048 bits';
    return null;
  } catch {
    return 'the key is not a PEM public key (SPKI)';
  }
}
