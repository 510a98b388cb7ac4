import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { agencyListCsv, generateAgencyList, generateFamilies } from '@satupintu/synthetic';
import { authFetch, eventually, TestStack } from '@satupintu/testing';
import { readFileSync } from 'node:fs';

/**
 * `npm run bench:import -- [persons] [--kill]`: an agency list of about `persons` rows (default
 * 100,000; Windows-1252, `;`, mixed date formats, broken rows, persons without KK, impossible
 * dates, and 5 % of its families already registered, listed again respelt and without NIKs)
 * imported on a scratch test stack (servers from `tools/stack/infra.sh up`): a dry run first, then
 * the import; with --kill the gateway running the job is killed with SIGKILL at a random moment and
 * started again. Reports rows/s read and submitted, rows/s until the last record is final in the
 * registry, the gateway's peak memory, and checks the registry's tables against the list.
 */
type Job = { id: string; state: string; complete: boolean; progress: { rowsDone: number; rowsTotal: number | null }; rows: Record<string, number>; registry: Record<string, number> };

async function main() {
  const persons = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 100_000);
  const kill = process.argv.includes('--kill');
  const villages = ['32.01', '32.73'].flatMap((r) => officialRegions().childrenOf(r).flatMap((d) => officialRegions().childrenOf(d)));
  const families = Math.round(persons / 4.2);
  const known = generateFamilies({ count: Math.round(families * 0.05), villages, seed: 77, errorRate: 0, duplicateRate: 0, keyPrefix: 'bench-known' }).records.map((r) => r.family as FamilyRecord);
  const list = generateAgencyList({ families: families - known.length, villages, seed: 78, known });
  const file = agencyListCsv(list);
  const stack = new TestStack('bench-import');
  await stack.setUp();
  const peak = { gatewayMiB: 0 };
  const sample = () => {
    const gw = stack.services.get('gateway');
    if (!gw?.process.pid) return;
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${gw.process.pid}/status`, 'utf8'));
      if (hwm) peak.gatewayMiB = Math.max(peak.gatewayMiB, Math.round(Number(hwm[1]) / 1024));
    } catch {
      // the process is gone (killed on purpose)
    }
  };
  const sampler = setInterval(sample, 500);
  try {
    let url = (await stack.start('gateway', { extraEnv: { IMPORT_LEASE_SECONDS: '10' } })).url;
    await stack.start('validation');
    await stack.start('dedup');
    for (let i = 0; i < known.length; i += 200) {
      const res = await authFetch(`${url}/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: known.slice(i, i + 200).map((f, k) => ({ idempotencyKey: `known-${i + k}`, family: f })) }) });
      if (res.status !== 202) throw new Error(`submissions answered ${res.status}`);
    }
    await eventually(async () => Number((await stack.db.query(`select count(*) as n from gateway.submission_records where status = 'registered'`)).rows[0].n) === known.length, 600_000, 500);

    const upload = async (dryRun: boolean) => {
      const res = await authFetch(`${url}/v1/imports?source=DTKS+bench&dryRun=${dryRun}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: new Uint8Array(file) });
      if (res.status !== 202) throw new Error(`import answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as Job).id;
    };
    const status = async (id: string) => (await (await authFetch(`${url}/v1/imports/${id}`)).json()) as Job;
    const t0 = Date.now();
    const dry = await upload(true);
    // The dry run goes through validation and dedup (matched, not written): done when every record has its answer.
    const dryJob = await eventually(async () => {
      const j = await status(dry);
      return j.complete ? j : undefined;
    }, 1_800_000, 500);
    const drySummary = (await (await authFetch(`${url}/v1/imports/${dry}/summary`)).json()) as { regions: Array<Record<string, number | string>> };
    const dryTotals = Object.fromEntries(['found', 'new', 'review', 'rejected', 'unreadable'].map((k) => [k, drySummary.regions.reduce((n, r) => n + Number(r[k] ?? 0), 0)]));
    const drySeconds = (Date.now() - t0) / 1000;

    const t1 = Date.now();
    const id = await upload(false);
    let killedAt: number | null = null;
    if (kill) {
      const at = Math.floor(list.rows.length * (0.2 + Math.random() * 0.5));
      await eventually(async () => ((await status(id)).progress.rowsDone >= at ? true : undefined), 1_800_000, 200);
      killedAt = (await status(id)).progress.rowsDone;
      await stack.stop('gateway', 'SIGKILL');
      url = (await stack.start('gateway', { extraEnv: { IMPORT_LEASE_SECONDS: '10' } })).url;
    }
    let rowsSeconds = 0;
    const job = await eventually(async () => {
      const j = await status(id).catch(() => undefined);
      if (!j) return undefined;
      if (j.state === 'done' && rowsSeconds === 0) rowsSeconds = (Date.now() - t1) / 1000;
      return j.complete ? j : undefined;
    }, 3_600_000, 500);
    const finalSeconds = (Date.now() - t1) / 1000;
    const q = async (sql: string, params: unknown[] = []) => Number((await stack.db.query(sql, params)).rows[0].n);
    const expectedPersons = list.families.reduce((n, f) => n + f.members.length, 0) + list.expected.withoutKk;
    const check = {
      submissionRecords: await q(`select count(*) as n from gateway.submission_records where idempotency_key like 'imp.%'`),
      expectedFamilies: list.families.length,
      expectedRecords: list.families.length + list.expected.withoutKk,
      personsWithoutFamily: await q('select count(*) as n from registry.persons p where not exists (select 1 from registry.memberships m where m.person_id = p.id and m.valid_to is null)'),
      expectedWithoutFamily: list.expected.withoutKk,
      registryFamilies: await q('select count(*) as n from registry.families'),
      registryPersons: await q('select count(*) as n from registry.persons'),
      expectedPersons,
      reportRows: await q('select count(*) as n from gateway.import_rows where job_id = $1', [id]),
      fileRows: list.rows.length,
    };
    process.stdout.write(
      `${JSON.stringify({
        rows: list.rows.length,
        bytes: file.length,
        families: list.families.length,
        knownFamilies: known.length,
        dryRun: { seconds: Math.round(drySeconds), rowsPerSecond: Math.round(list.rows.length / drySeconds), rows: dryJob.rows, wouldBe: dryTotals },
        import: { rowsSeconds: Math.round(rowsSeconds), rowsPerSecondSubmitted: Math.round(list.rows.length / rowsSeconds), finalSeconds: Math.round(finalSeconds), rowsPerSecondFinal: Math.round(list.rows.length / finalSeconds), rows: job.rows, registry: job.registry },
        killedAtRow: killedAt,
        gatewayPeakRssMiB: peak.gatewayMiB,
        check,
      })}\n`,
    );
  } finally {
    clearInterval(sampler);
    await stack.tearDown();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
