import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { apiKey } from './gateway-client';

interface JobStatus {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  dryRun: boolean;
  read: Record<string, unknown>;
  progress: { rowsTotal: number | null; rowsDone: number; familiesTotal: number | null };
  rows: Record<string, number>;
  findings: Record<string, number>;
  registry: { records: number; final: number } & Record<string, number>;
  complete: boolean;
  error: { code: string; message: string } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `sp import FILE --source NAME`: uploads an agency's list to the gateway as an import job and
 * follows it (progress bar with rate and ETA) until every row has its outcome and, unless
 * --no-wait-registry, every submitted record is final in the registry. Run again after any
 * interruption: the same file under the same list name is the same job, which goes on where it
 * stopped. No personal data is printed.
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description("import an agency's list (CSV or XLSX) into the registry through the gateway, as a resumable job with a per-row report")
    .argument('<file>', 'the list file')
    .requiredOption('--source <name>', 'the list\'s name (e.g. "DTKS Kab. Bogor 2026-11"): its provenance and the scope of its records\' keys')
    .option('--preset <name>', 'column names of a known layout: dtks, kjp, posyandu')
    .option('-m, --map <mapping>', 'columns: field=COLUMN,... (nik, kk, name, sex, birthDate, birthPlace, relationship, street, rt, rw, rtRw, villageCode, villageName, districtName)')
    .option('--encoding <name>', 'utf-8 or windows-1252 (latin-1); detected when omitted')
    .option('--sheet <name>', 'XLSX: the sheet (default: the first)')
    .option('--dry-run', 'read, map and validate without submitting anything')
    .option('--no-wait-registry', 'stop once every row has its outcome, without waiting for the registry')
    .option('--report <file>', 'write the per-row report there when done (CSV, or XLSX when the name ends in .xlsx)')
    .option('-g, --gateway <url>', 'gateway URL', 'http://127.0.0.1:3000')
    .action(async (file: string, o) => {
      const job = await upload(o.gateway, file, o);
      process.stderr.write(`import job ${job.id} (${job.state}${job.state === 'done' ? ', imported before' : ''}): ${JSON.stringify(job.read)}\n`);
      const final = await follow(o.gateway, job.id, o.waitRegistry !== false);
      if (o.report) {
        const format = String(o.report).toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
        const res = await fetch(`${o.gateway}/v1/imports/${job.id}/rows?format=${format}`, { headers: { authorization: `Bearer ${apiKey()}` } });
        if (res.status !== 200) throw new Error(`the report could not be read (${res.status})`);
        writeFileSync(o.report, Buffer.from(await res.arrayBuffer()));
      }
      const summary = await fetch(`${o.gateway}/v1/imports/${job.id}/summary`, { headers: { authorization: `Bearer ${apiKey()}` } })
        .then(async (res) => (res.status === 200 ? ((await res.json()) as { regions: unknown[] }).regions : null))
        .catch(() => null);
      console.log(JSON.stringify({ id: final.id, state: final.state, dryRun: final.dryRun, progress: final.progress, rows: final.rows, findings: final.findings, registry: final.registry, byRegency: summary, complete: final.complete, error: final.error, report: o.report ?? null }, null, 2));
      if (final.state === 'failed') process.exitCode = 1;
    });
}

async function upload(gateway: string, file: string, o: Record<string, string | boolean | undefined>): Promise<JobStatus> {
  statSync(file);
  const query = new URLSearchParams({ source: String(o.source), fileName: basename(file) });
  for (const k of ['preset', 'encoding', 'sheet'] as const) if (typeof o[k] === 'string') query.set(k, o[k] as string);
  if (typeof o.map === 'string') query.set('mapping', o.map);
  if (o.dryRun) query.set('dryRun', 'true');
  const res = await fetch(`${gateway}/v1/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey()}`, 'content-type': file.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv' },
    body: createReadStream(file) as unknown as RequestInit['body'],
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const body = (await res.json().catch(() => ({}))) as JobStatus & { error?: { code: string; message: string } };
  if (res.status !== 200 && res.status !== 202) throw new Error(`the gateway refused the file (${res.status}): ${body.error?.code ?? ''} ${body.error?.message ?? ''}`.trim());
  return body;
}

async function follow(gateway: string, id: string, waitRegistry: boolean): Promise<JobStatus> {
  const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total} | {speed} rows/s | ETA {eta_formatted}', etaBuffer: 20, hideCursor: true, stream: process.stderr });
  let started = false;
  let errors = 0;
  const t0 = Date.now();
  for (;;) {
    let job: JobStatus;
    try {
      const res = await fetch(`${gateway}/v1/imports/${id}`, { headers: { authorization: `Bearer ${apiKey()}` } });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      job = (await res.json()) as JobStatus;
      errors = 0;
    } catch (e) {
      // The gateway restarting: the job resumes there; keep asking for a few minutes.
      if (++errors > 180) throw new Error(`the gateway does not answer (${(e as Error).message}); run the same command again to follow job ${id}`);
      await sleep(1000);
      continue;
    }
    const total = job.progress.rowsTotal ?? 0;
    const registryPhase = job.state === 'done' && waitRegistry;
    const value = registryPhase ? job.registry.final : job.progress.rowsDone;
    const of = registryPhase ? job.registry.records : total;
    if (!started && of > 0) {
      bar.start(of, value, { phase: registryPhase ? 'registry' : 'rows', speed: '0' });
      started = true;
    }
    if (started) {
      bar.setTotal(Math.max(of, 1));
      bar.update(value, { phase: registryPhase ? 'registry' : 'rows', speed: Math.round(value / Math.max((Date.now() - t0) / 1000, 0.001)).toString() });
    }
    if (job.state === 'failed' || (job.state === 'done' && (!waitRegistry || job.complete))) {
      if (started) bar.stop();
      return job;
    }
    await sleep(1000);
  }
}
