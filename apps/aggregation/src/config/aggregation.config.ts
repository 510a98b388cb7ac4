import { parseConfig } from '@satupintu/platform';
import { z } from 'zod';

const AggregationConfigSchema = z.object({
  /** The time zone whose calendar days ages, time points and campaign days are counted in. */
  AGGREGATION_TIME_ZONE: z.string().default('Asia/Jakarta'),
  /** How often changed regions are announced (their latest counters, once per interval). */
  AGGREGATION_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
});

export interface AggregationSettings {
  timeZone: string;
  publishIntervalMs: number;
}

export const AGGREGATION_SETTINGS = Symbol('AGGREGATION_SETTINGS');

/** Reads the settings; throws (the service does not start) when wrong. */
export function loadAggregationSettings(env: Record<string, string | undefined> = process.env): AggregationSettings {
  const c = parseConfig(AggregationConfigSchema, env);
  new Intl.DateTimeFormat('en', { timeZone: c.AGGREGATION_TIME_ZONE });
  return { timeZone: c.AGGREGATION_TIME_ZONE, publishIntervalMs: c.AGGREGATION_PUBLISH_INTERVAL_MS };
}

