import { officialRegions } from '@satupintu/domain';
import { generateEvaluation } from '@satupintu/synthetic';
import { postEvaluation, registryQuality, TestStack } from '@satupintu/testing';

/**
 * `npm run bench:registry-quality -- [families] [seed]`: the registry's matching quality end to end
 * on the real stack. An evaluation stream (libs/synthetic/evaluation, never used to fit anything:
 * first registrations, then re-recorded and moved families under their KKs, then re-registrations
 * under new KKs and splits) goes through the gateway, validation and dedup of a scratch test stack
 * (its own database, topics and Redis prefix; servers from `tools/stack/infra.sh up`), and the
 * registry's tables are scored against the truth (pairwise over member-records). Prints one JSON line.
 */
async function main() {
  const families = Number(process.argv[2] ?? 3000);
  const seed = Number(process.argv[3] ?? 404);
  const villages = ['31.71', '31.74', '32.01', '32.73', '35.78'].flatMap((r) => officialRegions().childrenOf(r).flatMap((d) => officialRegions().childrenOf(d)));
  const { records } = generateEvaluation({ families, villages, seed });
  const stack = new TestStack('bench-registry-quality');
  await stack.setUp();
  try {
    const url = (await stack.start('gateway')).url;
    await stack.start('validation');
    await stack.start('dedup');
    const started = Date.now();
    const ids = await postEvaluation(url, stack.db, records, 200, 3_600_000);
    const seconds = (Date.now() - started) / 1000;
    const q = await registryQuality(stack.db, stack.protector, records, ids);
    process.stdout.write(`${JSON.stringify({ families, seed, ...q, seconds: Math.round(seconds), byKind: Object.fromEntries(['registered', 're-recorded', 'moved', 'new-kk', 'split'].map((k) => [k, records.filter((r) => r.kind === k).length])) })}\n`);
  } finally {
    await stack.tearDown();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
