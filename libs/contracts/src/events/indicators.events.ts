import { z } from 'zod';
import { EventBase, IsoDate } from '../primitives';
import { RegionLevel } from './region-counts-updated.event';

/**
 * Every counter of one region after a change (families, persons, and what the indicator catalogue
 * divides: e.g. `child.stunted` over `child.haz-valid`). `seq` grows with every update of the region.
 */
export const RegionIndicatorsUpdatedV1 = EventBase.extend({
  regionCode: z.string(),
  level: RegionLevel,
  parentCode: z.string().nullable(),
  /** The day (platform time zone) the totals belong to: the time point they are kept under. */
  day: IsoDate,
  counters: z.record(z.string(), z.number().int()),
  seq: z.number().int().min(1),
});
export type RegionIndicatorsUpdatedV1 = z.infer<typeof RegionIndicatorsUpdatedV1>;

/** A campaign id: lower-case letters, digits and dashes (it is part of counter names). */
export const CampaignId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40');

/** A data-collection campaign's window, defined at the gateway; aggregation counts families recorded in it. */
export const CampaignDefinedV1 = EventBase.extend({
  campaignId: CampaignId,
  name: z.string().max(200),
  startsOn: IsoDate,
  endsOn: IsoDate,
  revision: z.number().int().min(1),
});
export type CampaignDefinedV1 = z.infer<typeof CampaignDefinedV1>;
