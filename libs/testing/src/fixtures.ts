import type { FamilyRecord, MemberRecord } from '@satupintu/contracts';
import { formatNik } from '@satupintu/domain';
import { authFetch } from './stack';

let serial = 1;

/** A valid family of Kepulauan Seribu with unique NIKs and KK (unique within the test process). */
export function family(overrides: { members?: number; village?: string; headBirthDate?: string } = {}): FamilyRecord {
  const village = overrides.village ?? '31.01.01.1001';
  const district = village.slice(0, 8);
  const s = serial++;
  const kk = `${district.replace(/\./g, '')}0101${String(20 + (s % 70)).padStart(2, '0')}${String(s % 10000).padStart(4, '0')}`;
  const headBirth = overrides.headBirthDate ?? '1970-03-12';
  const members: MemberRecord[] = [
    { nik: formatNik(district, headBirth, 'M', (s * 7) % 9999 + 1), name: `Kepala ${s}`, sex: 'M' as const, birthDate: headBirth, relationship: 1 },
  ];
  const n = overrides.members ?? 3;
  for (let i = 1; i < n; i++) {
    const birth = `20${String(10 + i).padStart(2, '0')}-0${(i % 9) + 1}-1${i % 9}`;
    const sex = i % 2 === 0 ? ('M' as const) : ('F' as const);
    members.push({ nik: formatNik(district, birth, sex, ((s * 7 + i * 13) % 9999) + 1), name: `Anggota ${s}-${i}`, sex, birthDate: birth, relationship: i === 1 ? 3 : 4 });
  }
  if (n >= 2) {
    members[1] = { ...members[1], birthDate: '1972-06-01', nik: formatNik(district, '1972-06-01', 'F', ((s * 13) % 9999) + 1), sex: 'F', relationship: 3 };
  }
  return { kk, address: { villageCode: village, rt: '001', rw: '002' }, members };
}

export interface SubmitResult {
  status: number;
  headers: Headers;
  body: { records: Array<{ id?: string; status: string; index: number; errors?: Array<{ code: string; path: string }> }> };
}

/** Submits a batch as the test gateway's admin, or with `credential` (an API key or token). */
export async function submit(gatewayUrl: string, records: unknown[], credential?: string, headers: Record<string, string> = {}): Promise<SubmitResult> {
  const res = await authFetch(`${gatewayUrl}/v1/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
    body: JSON.stringify({ records }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as never };
}

/**
 * Submits records in chunks of `size`, one request after the other, `pauseMs` apart (a steady flow
 * rather than a burst); resolves with how many were posted. Throws on a status other than 202.
 */
export async function submitInChunks(gatewayUrl: string, records: unknown[], size: number, pauseMs = 0): Promise<number> {
  let posted = 0;
  for (let i = 0; i < records.length; i += size) {
    if (i > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const chunk = records.slice(i, i + size);
    const res = await submit(gatewayUrl, chunk);
    if (res.status !== 202) throw new Error(`submission chunk at ${i} answered ${res.status}`);
    posted += chunk.length;
  }
  return posted;
}

export interface TestPrincipal { id: string; key: string; label: string; role: string; regions: string[] }

let principalSerial = 1;

/** Creates a principal through the admin API of a test gateway and gives it an API key. */
export async function createPrincipal(
  gatewayUrl: string,
  p: { role: string; regions: string[]; label?: string; kind?: 'system' | 'user'; purposes?: string[]; agency?: string },
): Promise<TestPrincipal> {
  const label = p.label ?? `${p.role}-${process.pid}-${principalSerial++}`;
  const post = async (path: string, body: unknown) => {
    const res = await authFetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const created = await post('/v1/admin/principals', { label, kind: p.kind ?? 'user', role: p.role, regions: p.regions, ...(p.purposes ? { purposes: p.purposes } : {}), ...(p.agency ? { agency: p.agency } : {}) });
  const key = await post(`/v1/admin/principals/${created.id as string}/api-keys`, {});
  return { id: created.id as string, key: key.key as string, label, role: p.role, regions: p.regions };
}
