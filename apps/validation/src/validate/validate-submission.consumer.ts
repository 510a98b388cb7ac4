import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { HEADERS, TOPICS, type FamilyRejectedV1, type FamilySubmittedV1, type FamilyValidatedV1 } from '@satupintu/contracts';
import { officialRegions, todayIn, validateFamily } from '@satupintu/domain';
import { encodeEvent, EventProducer, type ConsumedEvent, type OutgoingMessage } from '@satupintu/kafka';
import { traceHeaders } from '@satupintu/observability';
import { v5 as uuidv5 } from 'uuid';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation.config';

/** Namespace for derived event ids: the same input event always yields the same output event id. */
const EVENT_NAMESPACE = '0f0b5a8e-3b1e-4a53-9a55-6f1c8f3d2a10';

/**
 * Validates each submitted record and publishes it as validated (with warnings) or rejected (with
 * every failing rule). Stateless: a redelivered input produces the same event ids again, which the
 * consumers downstream recognise in their inboxes.
 */
@Controller()
export class ValidateSubmissionConsumer {
  constructor(
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(VALIDATION_SETTINGS) private readonly settings: ValidationSettings,
  ) {}

  @EventPattern(TOPICS.familySubmitted)
  async onSubmitted(@Payload() batch: ConsumedEvent<FamilySubmittedV1>[]) {
    const ctx = { regions: officialRegions(), ruleSet: this.settings.ruleSet, today: todayIn(this.settings.timeZone) };
    const now = new Date().toISOString();
    const out: OutgoingMessage[] = batch.map(({ value: s, key, correlationId }) => {
      const result = validateFamily(s.family, ctx);
      const headers = { [HEADERS.correlationId]: correlationId ?? s.eventId, ...traceHeaders(correlationId) };
      if (result.family && result.errors.length === 0) {
        const eventId = uuidv5(`${s.eventId}:${TOPICS.familyValidated}`, EVENT_NAMESPACE);
        const event: FamilyValidatedV1 = {
          eventId,
          occurredAt: now,
          recordId: s.recordId,
          revision: s.revision,
          receivedAt: s.receivedAt,
          ruleSetVersion: result.ruleSetVersion,
          family: result.family,
          warnings: result.warnings,
          ...(s.provenance ? { provenance: s.provenance } : {}),
          ...(s.collectedOn ? { collectedOn: s.collectedOn } : {}),
          ...(s.dryRun ? { dryRun: true as const } : {}),
        };
        return {
          topic: TOPICS.familyValidated,
          key: result.family.kk,
          value: encodeEvent(TOPICS.familyValidated, event),
          headers: { ...headers, [HEADERS.eventType]: TOPICS.familyValidated, [HEADERS.eventId]: eventId },
        };
      }
      const eventId = uuidv5(`${s.eventId}:${TOPICS.familyRejected}`, EVENT_NAMESPACE);
      const event: FamilyRejectedV1 = {
        eventId,
        occurredAt: now,
        recordId: s.recordId,
        revision: s.revision,
        ruleSetVersion: result.ruleSetVersion,
        errors: result.errors,
        warnings: result.warnings,
      };
      return {
        topic: TOPICS.familyRejected,
        key: key ?? s.recordId,
        value: encodeEvent(TOPICS.familyRejected, event),
        headers: { ...headers, [HEADERS.eventType]: TOPICS.familyRejected, [HEADERS.eventId]: eventId },
      };
    });
    await this.producer.send(out);
  }
}
