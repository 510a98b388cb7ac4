import { Inject, Injectable } from '@nestjs/common';
import type { AgencyGrant, FamilyChangedV1, FamilyState } from '@satupintu/contracts';
import { projectFamily } from '@satupintu/domain';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { GrantsService } from '../subscriptions/grants.service';
import { CALLBACK_PATHS, DciCallbacks, type Callback } from './callbacks';
import { toDciGroup, toDciMember } from './mapping';
import { matches, regionsOutside, ungrantedAttributes, type RegistryQuery } from './queries';
import { DciSigner } from './signer';

interface SubscriptionRow {
  code: string;
  sender_id: string;
  agency_id: string;
  event_types: string[];
  entity: 'Group' | 'Member';
  query: RegistryQuery;
  locale: string;
  callback_base_url: string;
}

/** The DCI event of a registry change: a family's first registration, a member added, or another update. */
export function eventTypeOf(e: Pick<FamilyChangedV1, 'before' | 'after'>): 'REGISTER' | 'NewHouseHoldMember' | 'UPDATE' {
  if (!e.before) return 'REGISTER';
  const before = new Set(e.before.members.map((m) => m.personId));
  return e.after && e.after.members.some((m) => !before.has(m.personId)) ? 'NewHouseHoldMember' : 'UPDATE';
}

/**
 * Turns registry events into DCI notifications: for every active subscription whose event types,
 * grant and filter the new state meets, one `notify` callback per event, cut to the agency's grant
 * in force (as its Kafka topics are), queued in the transaction that applies the event to the
 * gateway's read model, so an event is notified once per subscription, in the order of the
 * family's versions. A subscription whose filter needs what the grant no longer holds notifies
 * nothing. A family that leaves the registry or the granted regions is not notified (the spec has
 * no such event).
 */
@Injectable()
export class DciNotifier {
  constructor(
    @Inject(GrantsService) private readonly grants: GrantsService,
    @Inject(DciCallbacks) private readonly callbacks: DciCallbacks,
    @Inject(DciSigner) private readonly signer: DciSigner,
  ) {}

  async queue(m: EntityManager, events: ReadonlyArray<FamilyChangedV1>): Promise<number> {
    if (!this.signer.enabled || events.length === 0) return 0;
    const subscriptions: SubscriptionRow[] = await m.query(
      `select s.code, s.sender_id, s.agency_id, s.event_types, s.entity, s.query, s.locale, d.callback_base_url
         from gateway.dci_subscriptions s join gateway.dci_senders d on d.sender_id = s.sender_id
        where s.status = 'subscribe' and d.status = 'active' and d.callback_base_url is not null`,
    );
    if (subscriptions.length === 0) return 0;
    const grants = new Map<string, AgencyGrant | null>();
    for (const agency of new Set(subscriptions.map((s) => s.agency_id))) grants.set(agency, await this.grants.find(agency));
    const today = new Date();
    const queued: Callback[] = [];
    for (const e of events) {
      if (!e.after) continue;
      const type = eventTypeOf(e);
      for (const sub of subscriptions) {
        const grant = grants.get(sub.agency_id);
        if (!grant || grant.status !== 'active' || !sub.event_types.includes(type)) continue;
        if (regionsOutside(sub.query, grant.regions).length > 0 || ungrantedAttributes(sub.query, grant.fields).length > 0) continue;
        const family = projectFamily(e.after, grant);
        if (!family) continue;
        const state: FamilyState = e.after;
        const records: Array<{ id: string; record: Record<string, unknown> }> =
          sub.entity === 'Group'
            ? matches(sub.query.where, state, null, today) ? [{ id: family.familyId, record: toDciGroup(family) }] : []
            : state.members
                .filter((member) => matches(sub.query.where, state, member, today))
                .map((member) => ({ id: member.personId, record: toDciMember(family.members?.find((x) => x.personId === member.personId) ?? { personId: member.personId }, family) }));
        if (records.length === 0) continue;
        const timestamp = new Date().toISOString();
        queued.push({
          senderId: sub.sender_id,
          kind: 'notify',
          url: `${sub.callback_base_url.replace(/\/+$/, '')}${CALLBACK_PATHS.notify}`,
          header: { version: '1.0.0', message_id: randomUUID(), message_ts: timestamp, action: 'notify', status: 'succ', total_count: records.length, completed_count: records.length, sender_id: this.signer.platformId, receiver_id: sub.sender_id, is_msg_encrypted: false },
          message: {
            transaction_id: randomUUID(),
            notify_event: records.map((r) => ({
              reference_id: `${e.familyId}:${e.version}:${r.id}`.slice(0, 99),
              timestamp,
              data: { version: '1.0.0', reg_type: 'ns:org:RegistryType:Social', ...(type === 'UPDATE' ? {} : { reg_event_type: type }), reg_record_type: sub.entity, reg_records: r.record },
              locale: sub.locale,
            })),
          },
          recordIds: records.map((r) => r.id),
          notify: { subscriptionCode: sub.code, familyId: e.familyId, familyVersion: e.version },
        });
      }
    }
    return this.callbacks.enqueue(m, queued);
  }
}
