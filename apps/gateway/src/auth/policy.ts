import { regionCovered } from '@satupintu/domain';
/**
 * Who may do what, and where: roles, their permissions, purposes of processing and region scopes.
 * Pure data and functions; the guard (access.guard.ts) applies them to every request, and
 * docs/security.md states the same matrix for people.
 */
export const ROLES = ['cadre', 'supervisor', 'analyst', 'agency', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Permissions, each held by the roles listed. Admin holds every permission, nationwide (keep admins
 * few: every access to personal data is audited, theirs included).
 */
export const PERMISSIONS = {
  /** Submit family records (cadre: only for its assigned villages). */
  'submission:create': ['cadre', 'admin'],
  /** Import an agency's list (its records go through validation and matching as submissions of the importer). */
  'import:create': ['agency', 'admin'],
  /** An import job's state and report (an agency: only its own jobs). */
  'import:read': ['agency', 'admin'],
  /** The status trail of a submitted record (cadre: only its own). */
  'submission:read': ['cadre', 'supervisor', 'admin'],
  /** Region counts and indicators: aggregates, no personal data. */
  'aggregate:read': ['supervisor', 'analyst', 'admin'],
  /** Indicators without small-cell suppression (`?detail=true`, audited). */
  'aggregate:detail': ['admin'],
  /** Campaigns and their collection progress (aggregates). */
  'campaign:read': ['cadre', 'supervisor', 'analyst', 'admin'],
  /** Define campaigns and their targets. */
  'campaign:manage': ['admin'],
  /** Search the registry by NIK or KK and read a family's record: personal data. */
  'registry:read': ['supervisor', 'admin'],
  /** Eligibility decisions of a person or a family: personal data. */
  'eligibility:read': ['supervisor', 'agency', 'admin'],
  /** Eligible counts per region and programme: aggregates. */
  'eligibility:count': ['supervisor', 'analyst', 'agency', 'admin'],
  /** Duplicate review: tasks, pairs side by side, merges. */
  'review:read': ['supervisor', 'admin'],
  /** Decide review tasks and undo merges. */
  'review:decide': ['supervisor', 'admin'],
  /** Principals, API keys and tokens. */
  'principal:manage': ['admin'],
  /** Agency grants (event types, fields, regions, purpose), webhooks and their redelivery. */
  'subscription:manage': ['admin'],
  /** An agency system's own grant and webhook delivery state. */
  'subscription:self': ['agency', 'admin'],
  /** Search the registry through the DCI Social Registry API, cut to the agency's grant (personal data, audited). */
  'dci:search': ['agency', 'admin'],
  /** Register DCI senders (an agency's system) and their signing keys. */
  'dci:manage': ['admin'],
  /** Data-subject requests (an export of everything held on a person); also needs the purpose `data-subject-request`. */
  'subject:request': ['supervisor', 'admin'],
  /** Read and verify the audit trail. */
  'audit:read': ['admin'],
  /** The indicator catalogue and one's own principal. */
  'self:read': ['cadre', 'supervisor', 'analyst', 'agency', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Purposes of processing (UU 27/2022 on personal data protection: data is processed for a stated
 * purpose). A principal is granted one or more; each request states one (`X-Purpose`) or uses the
 * principal's first, and the audit trail records it.
 */
export const PURPOSES = [
  'registration',
  'verification',
  'social-protection',
  'education',
  'health',
  'family-planning',
  'statistics',
  'administration',
  'oversight',
  'data-subject-request',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** "Permintaan subjek data": the purpose a designated officer is granted to answer a person's request for their data. */
export const SUBJECT_REQUEST_PURPOSE: Purpose = 'data-subject-request';

/**
 * Indicator themes whose small counts a principal may see unsuppressed for its own purpose, besides
 * a role holding `aggregate:detail`: a health office's analyst granted `health` by an admin sees the
 * health and stunting detail of its regions when it states that purpose (docs/security.md).
 */
export const DETAIL_THEMES_OF_PURPOSE: Partial<Record<Purpose, readonly string[]>> = { health: ['health', 'stunting'] };

/** Whether a caller may have the detail of `theme` (null: every theme) for the purpose it states. */
export function detailAllowed(role: Role, purpose: string | null, theme: string | null): boolean {
  if (allows(role, 'aggregate:detail')) return true;
  return theme !== null && purpose !== null && (DETAIL_THEMES_OF_PURPOSE[purpose as Purpose] ?? []).includes(theme);
}

/** The purposes a new principal of a role gets when none are given. */
export const DEFAULT_PURPOSES: Record<Role, Purpose[]> = {
  cadre: ['registration'],
  supervisor: ['verification'],
  analyst: ['statistics'],
  agency: ['social-protection'],
  admin: ['administration', 'oversight'],
};

/** The whole country: a scope of `ID` covers every region. */
export const NATION = 'ID';

/** Whether `code` (a region at any level, or ID) lies inside one of the scope's regions. */
export function inScope(scope: readonly string[], code: string): boolean {
  return regionCovered(scope, code);
}

/** Region levels by the number of parts of a Kemendagri code: 1 province ... 4 village. */
export function levelOf(code: string): number {
  return code === NATION ? 0 : code.split('.').length;
}

/** A scope's regions, checked for a role: a cadre is assigned villages; others any level or ID. */
export function scopeProblem(role: Role, regions: readonly string[]): string | null {
  if (regions.length === 0) return 'at least one region is required';
  if (role === 'cadre' && regions.some((r) => levelOf(r) !== 4)) return 'a cadre is assigned villages (codes like 31.71.01.1001)';
  return null;
}
