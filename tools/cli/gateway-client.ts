import type { GeneratedRecord } from '@satupintu/synthetic';

export interface RecordOutcome {
  index: number;
  idempotencyKey?: string;
  id?: string;
  status: string;
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
      const res = await fetch(`${gatewayUrl}/v1/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-id': 'satupintu-cli' },
        body: JSON.stringify({ records: batches[n] }),
      });
      if (res.status !== 202) throw new Error(`gateway answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const body = (await res.json()) as { records: RecordOutcome[] };
      results[n] = body.records;
      onBatch?.(body.records, sentAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return results.flat();
}

export async function regionCounts(gatewayUrl: string, code: string): Promise<{ families: number; persons: number }> {
  const res = await fetch(`${gatewayUrl}/v1/regions/${code}/counts`);
  if (!res.ok) throw new Error(`gateway answered ${res.status}`);
  return (await res.json()) as { families: number; persons: number };
}

async function put(gatewayUrl: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${gatewayUrl}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-client-id': 'satupintu-cli' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`gateway answered ${res.status} to PUT ${path}: ${(await res.text()).slice(0, 500)}`);
  return res.json();
}

/** Defines (or changes) a collection campaign and, when given, replaces its targets. */
export async function defineCampaign(
  gatewayUrl: string,
  campaign: { id: string; name: string; startsOn: string; endsOn: string },
  targets?: Array<{ regionCode: string; families: number }>,
): Promise<void> {
  await put(gatewayUrl, `/v1/campaigns/${encodeURIComponent(campaign.id)}`, { name: campaign.name, startsOn: campaign.startsOn, endsOn: campaign.endsOn });
  if (targets) await put(gatewayUrl, `/v1/campaigns/${encodeURIComponent(campaign.id)}/targets`, { targets });
}
