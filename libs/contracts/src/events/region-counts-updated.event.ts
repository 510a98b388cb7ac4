import { z } from 'zod';
import { EventBase } from '../primitives';

export const RegionLevel = z.enum(['country', 'province', 'regency', 'district', 'village']);
export type RegionLevel = z.infer<typeof RegionLevel>;

/** The current totals of one region; `seq` grows with every update of that region. */
export const RegionCountsUpdatedV1 = EventBase.extend({
  regionCode: z.string(),
  level: RegionLevel,
  parentCode: z.string().nullable(),
  families: z.number().int().min(0),
  persons: z.number().int().min(0),
  seq: z.number().int().min(1),
});
export type RegionCountsUpdatedV1 = z.infer<typeof RegionCountsUpdatedV1>;
