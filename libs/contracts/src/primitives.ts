import { z } from 'zod';

export const EventId = z.uuid();
export const IsoTimestamp = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();

/** Fields every event value carries. */
export const EventBase = z.object({
  eventId: EventId,
  occurredAt: IsoTimestamp,
});

export const Sex = z.enum(['M', 'F']);
export type Sex = z.infer<typeof Sex>;

/** Relationship to the head of family, as coded on the KK (1 head ... 11 other). */
export const Relationship = z.number().int().min(1).max(11);

/**
 * Where a record came from when it is not a cadre's own: an agency list brought in by an import job
 * (its name, the job, the file's SHA-256, and the file row of each member, in member order)...
 */
export const ListProvenance = z.strictObject({
  list: z.string().min(1).max(100),
  jobId: z.uuid(),
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/),
  rows: z.array(z.number().int().min(1)).max(30),
});
/** ...or a correction a person asked for, made by a designated officer (a data-subject request, UU 27/2022). */
export const CorrectionProvenance = z.strictObject({ correctionRequestId: z.uuid() });
export const Provenance = z.union([ListProvenance, CorrectionProvenance]);
export type Provenance = z.infer<typeof Provenance>;

/** One finding of a validation rule, in words a cadre can act on. */
export const ValidationIssue = z.object({
  code: z.string().min(1).max(64),
  severity: z.enum(['error', 'warning']),
  path: z.string().max(200),
  message: z.object({ id: z.string().max(500), en: z.string().max(500) }),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;
