import { TOPICS } from '@satupintu/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { asyncApiDocument, renderAsyncApi } from './asyncapi';

describe('docs/asyncapi.yaml', () => {
  it('is the rendering of the contracts library (run `npm run docs:asyncapi` after changing a contract)', () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.yaml'), 'utf8');
    expect(onDisk).toBe(renderAsyncApi());
  });

  it('describes every topic, and every reference in it resolves', () => {
    const doc = parse(renderAsyncApi()) as ReturnType<typeof asyncApiDocument> & { channels: Record<string, { address: string }> };
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const topic of Object.values(TOPICS)) expect(addresses).toContain(topic);
    expect(addresses).toEqual(expect.arrayContaining(['agency.{agencyId}.changes.v1', 'agency.{agencyId}.snapshot.v1']));
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });
});
