import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiError, DATA_SOURCE, LOGGER } from '@satupintu/platform';
import type { Logger } from '@satupintu/observability';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseBody } from '../http/params';
import { AuditService } from '../audit/audit.service';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { officialRegions } from '@satupintu/domain';
import type { Caller, Principal } from './caller';
import { hashSecret, newApiKey, parseApiKey, secretMatches, TokenSigner } from './credentials';
import { DEFAULT_PURPOSES, NATION, PURPOSES, ROLES, scopeProblem, type Purpose, type Role } from './policy';

const Label = z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'a handle: a-z, 0-9, . _ -, 3 to 64 characters (no personal names)');
const Region = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'a region code (ID, 31, 31.71, 31.71.01 or 31.71.01.1001)');

export const PrincipalBody = z.strictObject({
  label: Label,
  kind: z.enum(['system', 'user']),
  role: z.enum(ROLES),
  regions: z.array(Region).min(1).max(500),
  purposes: z.array(z.enum(PURPOSES)).min(1).max(PURPOSES.length).optional(),
  agency: z.string().regex(/^[a-z0-9-]{2,40}$/).optional(),
});
export const PrincipalPatch = z.strictObject({
  role: z.enum(ROLES).optional(),
  regions: z.array(Region).min(1).max(500).optional(),
  purposes: z.array(z.enum(PURPOSES)).min(1).max(PURPOSES.length).optional(),
  disabled: z.boolean().optional(),
});
export const KeyBody = z.strictObject({ label: z.string().regex(/^[A-Za-z0-9 ._-]{1,64}$/).optional(), expiresAt: z.iso.datetime({ offset: true }).optional() });
export const RotateBody = z.strictObject({ graceSeconds: z.number().int().min(0).max(30 * 86_400).default(0) });
export const TokenBody = z.strictObject({ ttlSeconds: z.number().int().min(60).optional() });

interface PrincipalRow {
  id: string; kind: 'system' | 'user'; label: string; role: Role; regions: string[]; purposes: Purpose[]; agency: string | null;
  version: number; disabled_at: Date | null; tokens_not_before: Date; created_at: Date; updated_at: Date;
}

const toPrincipal = (r: PrincipalRow): Principal => ({ id: r.id, kind: r.kind, label: r.label, role: r.role, regions: r.regions, purposes: r.purposes, agency: r.agency });
const describe = (r: PrincipalRow) => ({
  ...toPrincipal(r), version: r.version, disabled: r.disabled_at !== null, createdAt: r.created_at, updatedAt: r.updated_at,
});

const BOOTSTRAP_LABEL = 'bootstrap-admin';

/**
 * Principals and their credentials: API keys (hashed, rotatable, revocable, optionally expiring)
 * and signed tokens. Authentication reads the principal on every request, so disabling it, or
 * revoking its tokens, applies at once. Every change is written to the audit trail.
 */
@Injectable()
export class PrincipalsService implements OnApplicationBootstrap {
  private readonly signer: TokenSigner;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(ACCESS_SETTINGS) private readonly settings: AccessSettings,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.signer = new TokenSigner(settings.tokenSecret);
  }

  /** Makes AUTH_BOOTSTRAP_ADMIN_KEY an admin's key (idempotent), so a fresh installation can be administered. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.tokenSecretGenerated) this.logger.warn('AUTH_TOKEN_SECRET is not set: tokens are signed with a random key and end with this process');
    const key = this.settings.bootstrapAdminKey ? parseApiKey(this.settings.bootstrapAdminKey) : null;
    if (!key) return;
    await this.db.transaction(async (m) => {
      await m.query(
        `insert into gateway.principals (id, kind, label, role, regions, purposes) values ($1, 'system', $2, 'admin', $3, $4) on conflict (label) do nothing`,
        [randomUUID(), BOOTSTRAP_LABEL, [NATION], DEFAULT_PURPOSES.admin],
      );
      const inserted: unknown[] = await m.query(
        `insert into gateway.api_keys (key_id, principal_id, secret_hash, label)
         select $1, id, $2, 'bootstrap' from gateway.principals where label = $3 on conflict (key_id) do nothing returning key_id`,
        [key.keyId, hashSecret(key.secret), BOOTSTRAP_LABEL],
      );
      if (inserted.length > 0) await this.audit.write({ actor: null, action: 'api-key.bootstrap', outcome: 'ok', status: 201, recordType: 'api-key', recordIds: [key.keyId] }, m);
    });
  }

  /** The principal behind a bearer credential (an API key or a token); null when it is not valid now. */
  async authenticate(credential: string): Promise<{ principal: Principal; via: 'api-key' | 'token' } | null> {
    const key = parseApiKey(credential);
    if (key) {
      const rows: Array<PrincipalRow & { secret_hash: string; last_used_at: Date | null }> = await this.db.query(
        `select p.*, k.secret_hash, k.last_used_at from gateway.api_keys k join gateway.principals p on p.id = k.principal_id
          where k.key_id = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()) and p.disabled_at is null`,
        [key.keyId],
      );
      if (rows.length === 0 || !secretMatches(key.secret, rows[0].secret_hash)) return null;
      if (!rows[0].last_used_at || Date.now() - rows[0].last_used_at.getTime() > 60_000) {
        void this.db.query('update gateway.api_keys set last_used_at = now() where key_id = $1', [key.keyId]).catch(() => undefined);
      }
      return { principal: toPrincipal(rows[0]), via: 'api-key' };
    }
    if (credential.length > 4096) return null;
    const token = await this.signer.verify(credential);
    if (!token || !z.uuid().safeParse(token.principalId).success) return null;
    const [row]: PrincipalRow[] = await this.db.query('select * from gateway.principals where id = $1 and disabled_at is null', [token.principalId]);
    if (!row || token.issuedAt * 1000 < row.tokens_not_before.getTime()) return null;
    return { principal: toPrincipal(row), via: 'token' };
  }

  /** A principal that is still enabled (background work done on its behalf, e.g. an import job), or null. */
  async active(id: string): Promise<Principal | null> {
    const [row]: PrincipalRow[] = await this.db.query('select * from gateway.principals where id = $1 and disabled_at is null', [id]);
    return row ? toPrincipal(row) : null;
  }

  async create(body: unknown, by: Caller) {
    const p = parseBody(PrincipalBody, body);
    this.checkScope(p.role, p.regions, by);
    const id = randomUUID();
    return this.db.transaction(async (m) => {
      const rows: PrincipalRow[] = await m.query(
        `insert into gateway.principals (id, kind, label, role, regions, purposes, agency) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (label) do nothing returning *`,
        [id, p.kind, p.label, p.role, [...new Set(p.regions)], p.purposes ?? DEFAULT_PURPOSES[p.role], p.agency ?? null],
      );
      if (rows.length === 0) throw new ApiError(409, 'LABEL_TAKEN', 'a principal with this label exists');
      await this.audit.write(this.change(by, 'principal.create', 201, [id], { role: p.role, regions: p.regions, purposes: rows[0].purposes, version: 1 }), m);
      return describe(rows[0]);
    });
  }

  async list(after: string | null) {
    const rows: PrincipalRow[] = await this.db.query(`select * from gateway.principals where ($1::text is null or label > $1) order by label limit 200`, [after]);
    return { principals: rows.map(describe), next: rows.length === 200 ? rows[rows.length - 1].label : null };
  }

  async get(id: string) {
    const row = await this.row(id);
    const keys: Array<Record<string, unknown>> = await this.db.query(
      'select key_id, label, created_at, expires_at, revoked_at, last_used_at from gateway.api_keys where principal_id = $1 order by created_at',
      [id],
    );
    return {
      ...describe(row),
      apiKeys: keys.map((k) => ({ keyId: k.key_id, label: k.label, createdAt: k.created_at, expiresAt: k.expires_at, revokedAt: k.revoked_at, lastUsedAt: k.last_used_at })),
    };
  }

  /** Changes role, regions, purposes or disables; each change is a new version, recorded in the audit trail. */
  async update(id: string, body: unknown, by: Caller) {
    const patch = parseBody(PrincipalPatch, body);
    return this.db.transaction(async (m) => {
      const [row]: PrincipalRow[] = await m.query('select * from gateway.principals where id = $1 for update', [id]);
      if (!row) throw new ApiError(404, 'PRINCIPAL_NOT_FOUND', 'no principal has this id');
      const role = patch.role ?? row.role;
      const regions = patch.regions ? [...new Set(patch.regions)] : row.regions;
      this.checkScope(role, regions, by);
      if (!row.regions.every((r) => by.covers(r))) throw new ApiError(403, 'OUT_OF_SCOPE', 'this principal has regions outside yours');
      if (id === by.principal.id && (patch.disabled === true || (patch.role && patch.role !== 'admin'))) {
        throw new ApiError(409, 'SELF_LOCKOUT', 'an admin cannot disable or demote itself');
      }
      // TypeORM answers an UPDATE with [rows, count].
      const [[updated]]: [PrincipalRow[], number] = await m.query(
        `update gateway.principals set role = $2, regions = $3, purposes = $4,
                disabled_at = case when $5::boolean is null then disabled_at when $5 then coalesce(disabled_at, now()) else null end,
                version = version + 1, updated_at = now()
          where id = $1 returning *`,
        [id, role, regions, patch.purposes ?? row.purposes, patch.disabled ?? null],
      );
      const changed = Object.keys(patch);
      await this.audit.write(this.change(by, patch.disabled ? 'principal.disable' : 'principal.update', 200, [id], { changed, role, regions, purposes: updated.purposes, version: updated.version }), m);
      return describe(updated);
    });
  }

  /** A new API key for the principal; the key is returned once and only its hash is kept. */
  async createKey(principalId: string, body: unknown, by: Caller) {
    const b = parseBody(KeyBody, body ?? {});
    if (b.expiresAt && Date.parse(b.expiresAt) <= Date.now()) throw new ApiError(400, 'INVALID_REQUEST', 'expiresAt must lie in the future');
    await this.row(principalId);
    const k = newApiKey();
    await this.db.transaction(async (m) => {
      await m.query('insert into gateway.api_keys (key_id, principal_id, secret_hash, label, expires_at) values ($1, $2, $3, $4, $5)', [k.keyId, principalId, k.secretHash, b.label ?? null, b.expiresAt ?? null]);
      await this.audit.write(this.change(by, 'api-key.create', 201, [principalId, k.keyId], { keyId: k.keyId }), m);
    });
    return { keyId: k.keyId, key: k.key, principalId, expiresAt: b.expiresAt ?? null };
  }

  async revokeKey(keyId: string, by: Caller) {
    return this.db.transaction(async (m) => {
      const [rows]: [Array<{ principal_id: string }>, number] = await m.query('update gateway.api_keys set revoked_at = coalesce(revoked_at, now()) where key_id = $1 returning principal_id', [keyId]);
      if (rows.length === 0) throw new ApiError(404, 'KEY_NOT_FOUND', 'no API key has this id');
      await this.audit.write(this.change(by, 'api-key.revoke', 200, [rows[0].principal_id, keyId], { keyId }), m);
      return { keyId, revoked: true };
    });
  }

  /** A new key for the same principal; the old one stays valid for `graceSeconds` (0: revoked now) so clients can switch. */
  async rotateKey(keyId: string, body: unknown, by: Caller) {
    const { graceSeconds } = parseBody(RotateBody, body ?? {});
    const k = newApiKey();
    return this.db.transaction(async (m) => {
      const [rows]: [Array<{ principal_id: string; label: string | null }>, number] = await m.query(
        `update gateway.api_keys set expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
          where key_id = $1 and revoked_at is null returning principal_id, label`,
        [keyId, graceSeconds],
      );
      if (rows.length === 0) throw new ApiError(404, 'KEY_NOT_FOUND', 'no active API key has this id');
      await m.query('insert into gateway.api_keys (key_id, principal_id, secret_hash, label) values ($1, $2, $3, $4)', [k.keyId, rows[0].principal_id, k.secretHash, rows[0].label]);
      await this.audit.write(this.change(by, 'api-key.rotate', 201, [rows[0].principal_id, keyId, k.keyId], { from: keyId, to: k.keyId, graceSeconds }), m);
      return { keyId: k.keyId, key: k.key, principalId: rows[0].principal_id, replaces: keyId, oldKeyValidUntil: new Date(Date.now() + graceSeconds * 1000).toISOString() };
    });
  }

  /** A signed token for a user's app (cadre, staff). */
  async issueToken(principalId: string, body: unknown, by: Caller) {
    const b = parseBody(TokenBody, body ?? {});
    const ttl = b.ttlSeconds ?? this.settings.tokenTtlSeconds;
    if (ttl > this.settings.tokenMaxTtlSeconds) throw new ApiError(400, 'INVALID_REQUEST', `ttlSeconds is at most ${this.settings.tokenMaxTtlSeconds}`);
    const p = await this.row(principalId);
    if (p.disabled_at !== null) throw new ApiError(409, 'PRINCIPAL_DISABLED', 'the principal is disabled');
    const t = await this.signer.sign(principalId, ttl);
    await this.audit.write(this.change(by, 'token.issue', 201, [principalId, t.tokenId], { tokenId: t.tokenId, ttlSeconds: ttl }));
    return { token: t.token, tokenId: t.tokenId, principalId, expiresAt: t.expiresAt };
  }

  /** Every token issued to the principal until now stops working. */
  async revokeTokens(principalId: string, by: Caller) {
    return this.db.transaction(async (m) => {
      // Tokens carry their issue time in whole seconds: tokens of this second are revoked too.
      const [rows]: [unknown[], number] = await m.query(`update gateway.principals set tokens_not_before = date_trunc('second', now()) + interval '1 second' where id = $1 returning id`, [principalId]);
      if (rows.length === 0) throw new ApiError(404, 'PRINCIPAL_NOT_FOUND', 'no principal has this id');
      await this.audit.write(this.change(by, 'token.revoke-all', 200, [principalId]), m);
      return { principalId, tokensRevoked: true };
    });
  }

  /** The regions fit the role, exist, and lie inside the admin's own (a regional admin cannot grant more than it has). */
  private async row(id: string): Promise<PrincipalRow> {
    const [row]: PrincipalRow[] = await this.db.query('select * from gateway.principals where id = $1', [id]);
    if (!row) throw new ApiError(404, 'PRINCIPAL_NOT_FOUND', 'no principal has this id');
    return row;
  }

  private checkScope(role: Role, regions: string[], by: Caller) {
    const problem = scopeProblem(role, regions);
    if (problem) throw new ApiError(400, 'INVALID_SCOPE', problem);
    if (!regions.every((r) => by.covers(r))) throw new ApiError(403, 'OUT_OF_SCOPE', 'you can grant only regions inside your own');
    const unknown = regions.filter((r) => r !== NATION && !officialRegions().has(r));
    if (unknown.length > 0) throw new ApiError(400, 'INVALID_SCOPE', `unknown region codes: ${unknown.slice(0, 10).join(', ')}`);
  }

  private change(by: Caller, action: string, status: number, recordIds: string[], detail: Record<string, unknown> = {}) {
    return { actor: by.principal, action, outcome: 'ok' as const, status, recordType: 'principal', recordIds, purpose: by.purpose, ip: by.ip, detail };
  }
}
