import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyValidatedV1, type MemberRecord, type PairScore, type ReviewTaskV1, type SubmissionRegisteredV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { assignFamilyMembers, motherNameOf } from '@satupintu/matching';
import { claimInbox, enqueueOutbox, type OutboxRow } from '@satupintu/persistence';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, LOGGER, outboxEvent } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { MATCH_SETTINGS } from '../config/dedup.config';
import { PersonIndex } from '../matching/person-index';
import { bestMatch, nikConflict, registryMatchable, type MatchSettings } from '../matching/registry-matcher';
import { applySubmissions, planKey, type FamilyAssigner, type MatchPlan, type PersonRow, type RegistrySnapshot, type ValidatedSubmission } from './apply-submissions';
import { mergePersons } from './merges';
import { IndexUpdates } from './index-updates';
import { familyChangedRows, mergedRow, taskRows } from './registry-events';
import { RegistryRepository } from './registry.repository';

type NikConflictCheck = (holder: PersonRow, member: MemberRecord) => PairScore | null;

/**
 * Turns validated families into registry changes. One transaction per batch: inbox claim, locked
 * snapshot, probabilistic matching of the members the snapshot cannot place (against the Redis
 * index), in-memory application, set-based writes, automatic merges and review tasks, outbox rows
 * for the events. The index is updated after the commit.
 */
@Controller()
export class RegisterFamilyConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(MATCH_SETTINGS) private readonly settings: MatchSettings,
    @Inject(PersonIndex) private readonly index: PersonIndex,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  @EventPattern(TOPICS.familyValidated)
  async onValidated(@Payload() batch: ConsumedEvent<FamilyValidatedV1>[]) {
    await this.index.ensureBuilt(this.db);
    const updates = new IndexUpdates();
    await this.db.transaction(async (m) => {
      const claimed = await claimInbox(m, 'registry', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const received: ValidatedSubmission[] = [];
      for (const { value, correlationId } of batch) {
        if (!claimed.delete(value.eventId)) continue; // seen before, or twice in this batch
        received.push({ eventId: value.eventId, recordId: value.recordId, revision: value.revision, family: value.family, correlationId, provenance: value.provenance, dryRun: value.dryRun, collectedOn: value.collectedOn });
      }
      // Dry runs are matched after the batch's real records, in the same transaction, and never saved.
      const dry = received.filter((s) => s.dryRun);
      const submissions = received.filter((s) => !s.dryRun);
      if (submissions.length === 0) {
        if (dry.length > 0) await enqueueOutbox(m, 'registry', await this.dryRun(m, dry));
        return;
      }

      const { now, repo, applied } = await this.resolve(m, submissions);
      await repo.save(applied);
      const rows: OutboxRow[] = familyChangedRows(applied.changes, now);
      updates.add(applied);

      for (const s of applied.suspicions) {
        if (s.merge) {
          const decidedBy = { type: 'automatic' } as const;
          const outcome = await mergePersons(repo, { survivorId: s.existingId, mergedId: s.newId, decidedBy, match: s.match });
          if (outcome) {
            rows.push(...familyChangedRows(outcome.write.changes, now), await mergedRow(repo, outcome, decidedBy, s.match, now));
            updates.add(outcome.write, [outcome.mergedId]);
            continue;
          }
        }
        const people = await repo.snapshots([s.existingId, s.newId]);
        const task: ReviewTaskV1 = {
          eventId: randomUUID(),
          occurredAt: now,
          taskId: randomUUID(),
          revision: 1,
          status: 'open',
          reason: s.reason,
          villageCode: s.villageCode,
          openedAt: now,
          a: people.get(s.existingId)!,
          b: people.get(s.newId)!,
          match: s.match,
          decision: null,
        };
        if (await repo.openReviewTask(task)) rows.push(...taskRows(task, true));
      }

      for (const r of applied.registrations) {
        const event: SubmissionRegisteredV1 = {
          eventId: randomUUID(),
          occurredAt: now,
          recordId: r.recordId,
          revision: r.revision,
          familyId: r.familyId,
          familyVersion: r.familyVersion,
          changed: r.changed,
          members: r.members,
        };
        rows.push(outboxEvent(TOPICS.submissionRegistered, r.familyId ?? r.recordId, event, r.correlationId));
        const loose = r.loose ? applied.persons.get(r.loose.personId) : undefined;
        if (loose && r.loose) updates.addPersons([{ id: loose.id, nik: loose.nik, name: loose.name, sex: loose.sex, birthDate: loose.birthDate, villageCode: r.loose.villageCode, kk: null, motherName: null }]);
      }
      await enqueueOutbox(m, 'registry', rows);
      if (dry.length > 0) await enqueueOutbox(m, 'registry', await this.dryRun(m, dry));
    });
    await updates.applyAfterCommit(this.index, this.logger);
  }

  /**
   * The NIK-conflict check of one batch, remembered per member record and holder: planning and
   * applying ask it of the same pairs, and it normalises both names.
   */
  private nikConflicts(): NikConflictCheck {
    const seen = new Map<MemberRecord, { holder: PersonRow; result: PairScore | null }>();
    return (holder, member) => {
      const known = seen.get(member);
      if (known?.holder === holder) return known.result;
      const result = nikConflict(
        registryMatchable({ ...holder, villageCode: null, motherName: null }),
        registryMatchable({ ...member, nik: member.nik ?? null, villageCode: null, motherName: null }),
        this.settings,
      );
      seen.set(member, { holder, result });
      return result;
    };
  }

  /** A re-recorded family's members paired with its current members by the person model (`assignFamilyMembers`). */
  private readonly assignFamily: FamilyAssigner = (incoming, current) =>
    assignFamilyMembers(
      this.settings.model,
      incoming.map((m) => (m ? registryMatchable({ nik: m.nik ?? null, name: m.name, sex: m.sex, birthDate: m.birthDate, villageCode: null, motherName: null }) : null)),
      current.map((x) => registryMatchable({ nik: x.nik, name: x.name, sex: x.sex, birthDate: x.birthDate, villageCode: null, motherName: null })),
      this.settings.family,
    );

  /** The registry's snapshot for a batch, its match plans, and the batch applied to it (not yet saved). */
  private async resolve(m: EntityManager, submissions: ValidatedSubmission[]) {
    const now = new Date().toISOString();
    const repo = new RegistryRepository(m, this.protector, now);
    const snapshot = await repo.loadSnapshot(
      [...new Set(submissions.map((s) => s.family.kk))],
      [...new Set(submissions.flatMap((s) => s.family.members.flatMap((x) => (x.nik !== undefined ? [x.nik] : []))))],
    );
    const conflict = this.nikConflicts();
    const plans = await this.plan(snapshot, submissions, conflict);
    const applied = applySubmissions(snapshot, submissions, randomUUID, { plans, nikConflict: conflict, assignFamily: this.assignFamily, now });
    return { now, repo, snapshot, applied };
  }

  /**
   * What the registry would do with records of a dry run (an import's): the same snapshot, plans and
   * resolution as for real records, nothing saved; answered by submission.registered.v1 with
   * `dryRun` and each member's resolution (found by NIK, in its family, new, merge, review).
   */
  private async dryRun(m: EntityManager, submissions: ValidatedSubmission[]): Promise<OutboxRow[]> {
    const { now, snapshot, applied } = await this.resolve(m, submissions);
    return applied.registrations.map((r) => {
      const event: SubmissionRegisteredV1 = {
        eventId: randomUUID(),
        occurredAt: now,
        recordId: r.recordId,
        revision: r.revision,
        // A family the registry does not have yet has no id: null, as for a person without a family.
        familyId: snapshot.families.has(r.familyId ?? '') ? r.familyId : null,
        familyVersion: snapshot.families.has(r.familyId ?? '') ? r.familyVersion : null,
        changed: r.changed,
        // A new person has a provisional id; one that would be merged answers the person it joins.
        members: r.members.map((x) => (x.resolution === 'merge' && x.candidateId ? { ...x, personId: x.candidateId } : x)),
        dryRun: true,
      };
      return outboxEvent(TOPICS.submissionRegistered, r.familyId ?? r.recordId, event, r.correlationId);
    });
  }

  /**
   * Probabilistic matching, before the batch: each member the snapshot cannot place (no NIK, a NIK
   * the registry does not know, or one held by someone else) is scored against its candidates from
   * the index. Members a family-context match will place are skipped.
   */
  private async plan(snapshot: RegistrySnapshot, submissions: ValidatedSubmission[], conflict: NikConflictCheck): Promise<Map<string, MatchPlan>> {
    const wanted: Array<{ key: string; kk: string; person: ReturnType<typeof registryMatchable> }> = [];
    submissions.forEach((s, si) => {
      const familyId = snapshot.familyIdByKk.get(s.family.kk);
      const current = familyId ? snapshot.families.get(familyId) : undefined;
      const placedByNik = s.family.members.map((m) => {
        const holder = m.nik !== undefined ? snapshot.personsByNik.get(m.nik) : undefined;
        return holder !== undefined && conflict(holder, m) === null;
      });
      const inFamily = current && current.members.length > 0 ? this.assignFamily(s.family.members.map((m, mi) => (placedByNik[mi] ? null : m)), current.members) : [];
      s.family.members.forEach((m, mi) => {
        if (placedByNik[mi]) return;
        if (inFamily[mi] !== null && inFamily[mi] !== undefined) return;
        const person = registryMatchable({ nik: m.nik ?? null, name: m.name, sex: m.sex, birthDate: m.birthDate, villageCode: s.family.address.villageCode, kk: s.family.kk, motherName: motherNameOf(s.family.members, m) });
        wanted.push({ key: planKey(si, mi), kk: s.family.kk, person });
      });
    });
    const plans = new Map<string, MatchPlan>();
    if (wanted.length === 0) return plans;
    const candidates = await this.index.candidates(wanted.map((w) => w.person));
    wanted.forEach((w, i) => {
      const found = bestMatch(w.person, w.kk, candidates[i], this.settings);
      if (found) plans.set(w.key, { candidateId: found.candidate.id, decision: found.decision, match: found.match });
    });
    return plans;
  }
}
