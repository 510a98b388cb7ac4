import type { GeneratedRecord } from '@satupintu/synthetic';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The API key the tool sends: SATUPINTU_API_KEY, or the local stack's admin key, which
 * tools/stack/services.sh writes to .local/secrets/admin.key on first start.
 */
export function apiKey(): string {
  const fromEnv = process.env.SATUPINTU_API_KEY?.trim();
  if (fromEnv) return fromEnv;
  const file = join(process.env.SATUPINTU_LOCAL_DIR ?? join(ROOT, '.local'), 'secrets', 'admin.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error(`no API key: set SATUPINTU_API_KEY or start the local stack (which writes ${file})`);
}

const authHeaders = (): Record<string, string> => ({ 'content-type': 'application/json', authorization: `Bearer ${apiKey()}` });

/** One call of the gateway's API with the tool's key; the answer's JSON, or an error with the status and the error body. */
export async function gatewayRequest<T>(gatewayUrl: string, method: string, path: string, body?: unknown, expect: number[] = [200, 201, 202]): Promise<T> {
  const res = await fetch(`${gatewayUrl}${path}`, { method, headers: authHeaders(), body: body === undefined ? undefined : JSON.stringify(body) });
  if (!expect.includes(res.status)) throw new Error(`gateway answered ${res.status} to ${method} ${path}: ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as T;
}

export interface RecordOutcome {
  index: number;
  idempotencyKey?: string;
  id?: string;
  status: string;
}

/** One `POST /v1/submissions` of `records`; anything but 202 is an error. */
async function postRecords(gatewayUrl: string, records: GeneratedRecord[]): Promise<RecordOutcome[]> {
  const res = await fetch(`${gatewayUrl}/v1/submissions`, { method: 'POST', headers: authHeaders(), body: JSON.stringify({ records }) });
  if (res.status !== 202) throw new Error(`gateway answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return ((await res.json()) as { records: RecordOutcome[] }).records;
}

/** Posts records to the gateway in batches, `concurrency` requests at a time. */
export async function postInBatches(
  gatewayUrl: string,
  records: GeneratedRecord[],
  batchSize: number,
  concurrency: number,
  onBatch?: (outcomes: RecordOutcome[], sentAt: number) => void,
): Promise<RecordOutcome[]> {
  const batches: GeneratedRecord[][] = [];
  for (let i = 0; i < records.length; i += batchSize) batches.push(records.slice(i, i + batchSize));
  const results: RecordOutcome[][] = new Array(batches.length);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const n = next++;
      const sentAt = Date.now();
      results[n] = await postRecords(gatewayUrl, batches[n]);
      onBatch?.(results[n], sentAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return results.flat();
}

/**
 * Offers the records at a steady rate: every 100 ms the share of `perSecond` due by then, each part
 * its own request, without waiting for earlier answers (a client that keeps its pace).
 */
export async function postAtRate(gatewayUrl: string, records: GeneratedRecord[], perSecond: number): Promise<RecordOutcome[]> {
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const started = Date.now();
  const sent: Array<Promise<RecordOutcome[]>> = [];
  for (let i = 0, tick = 0; i < records.length; i += perTick, tick++) {
    const wait = started + tick * tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sent.push(postRecords(gatewayUrl, records.slice(i, i + perTick)));
  }
  return (await Promise.all(sent)).flat();
}

export async function regionCounts(gatewayUrl: string, code: string): Promise<{ families: number; persons: number }> {
  return gatewayRequest(gatewayUrl, 'GET', `/v1/regions/${code}/counts`);
}

const put = (gatewayUrl: string, path: string, body: unknown) => gatewayRequest(gatewayUrl, 'PUT', path, body, [200]);

/** Defines (or changes) a collection campaign and, when given, replaces its targets. */
export async function defineCampaign(
  gatewayUrl: string,
  campaign: { id: string; name: string; startsOn: string; endsOn: string },
  targets?: Array<{ regionCode: string; families: number }>,
): Promise<void> {
  await put(gatewayUrl, `/v1/campaigns/${encodeURIComponent(campaign.id)}`, { name: campaign.name, startsOn: campaign.startsOn, endsOn: campaign.endsOn });
  if (targets) await put(gatewayUrl, `/v1/campaigns/${encodeURIComponent(campaign.id)}/targets`, { targets });
}
