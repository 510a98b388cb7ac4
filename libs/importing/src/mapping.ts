/**
 * Which column of an agency list holds which field of a family record. A mapping is given on the
 * command line (`name=NAMA,nik=NIK,...`), taken from a named preset (the column names of DTKS, KJP
 * Plus and posyandu registers), or recognised from the usual Indonesian column names; column names
 * are compared without case, spaces or punctuation (`TGL_LAHIR` = `Tgl Lahir`).
 */
export const IMPORT_FIELDS = [
  'nik',
  'kk',
  'name',
  'sex',
  'birthDate',
  'birthPlace',
  'relationship',
  'street',
  'rt',
  'rw',
  'rtRw',
  'villageCode',
  'villageName',
  'districtName',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ColumnMap = Partial<Record<ImportField, string>>;

/** What a family record cannot be made without. */
export const REQUIRED: ReadonlyArray<ImportField | ImportField[]> = ['name', 'sex', 'birthDate', 'relationship', ['rt', 'rtRw'], ['rw', 'rtRw'], ['villageCode', 'villageName']];

/** Column names per field, most specific first: the presets, and recognition without one. */
const USUAL: Record<ImportField, string[]> = {
  nik: ['NIK', 'NO_NIK', 'NOMOR_INDUK_KEPENDUDUKAN', 'NIK_ART', 'NIK_SISWA', 'NIK_ANAK'],
  kk: ['NO_KK', 'NOKK', 'NOMOR_KK', 'KK', 'NO_KARTU_KELUARGA'],
  name: ['NAMA', 'NAMA_LENGKAP', 'NAMA_ART', 'NAMA_SISWA', 'NAMA_ANAK', 'NAMA_PENDUDUK'],
  sex: ['JK', 'JNS_KEL', 'JENIS_KELAMIN', 'L/P', 'LP', 'KELAMIN', 'SEX'],
  birthDate: ['TGL_LAHIR', 'TANGGAL_LAHIR', 'TGLLAHIR', 'TGL_LHR'],
  birthPlace: ['TEMPAT_LAHIR', 'TMPT_LAHIR', 'TMP_LAHIR', 'TEMPAT_LHR'],
  relationship: ['HUB_KEL', 'SHDK', 'HUBUNGAN_KELUARGA', 'HUB_KELUARGA', 'STATUS_HUBUNGAN', 'HUBUNGAN'],
  street: ['ALAMAT', 'ALAMAT_LENGKAP', 'JALAN'],
  rt: ['RT', 'NO_RT'],
  rw: ['RW', 'NO_RW'],
  rtRw: ['RT_RW', 'RT/RW', 'RTRW'],
  villageCode: ['KODE_DESA', 'KD_DESA', 'KODE_KELURAHAN', 'KODE_WILAYAH', 'KDDESA', 'KODE_DESA_KEL'],
  villageName: ['DESA', 'KELURAHAN', 'DESA_KELURAHAN', 'NAMA_DESA', 'DESA/KELURAHAN', 'NAMA_KELURAHAN'],
  districtName: ['KECAMATAN', 'NAMA_KECAMATAN', 'KEC'],
};

/** Shipped examples of agencies' own layouts (docs/importing.md shows their headers). */
export const PRESETS: Record<string, { description: string; columns: ColumnMap }> = {
  dtks: {
    description: 'DTKS extract of Dinas Sosial (one row per household member)',
    columns: { nik: 'NIK', kk: 'NOKK', name: 'NAMA', sex: 'JNS_KEL', birthDate: 'TGL_LAHIR', birthPlace: 'TMPT_LAHIR', relationship: 'HUB_KEL', street: 'ALAMAT', rt: 'RT', rw: 'RW', villageCode: 'KODE_DESA' },
  },
  kjp: {
    description: 'KJP Plus recipients of Dinas Pendidikan (students with their family members)',
    columns: { nik: 'NIK_SISWA', kk: 'NO_KK', name: 'NAMA_SISWA', sex: 'JENIS_KELAMIN', birthDate: 'TANGGAL_LAHIR', birthPlace: 'TEMPAT_LAHIR', relationship: 'SHDK', street: 'ALAMAT', rt: 'RT', rw: 'RW', villageCode: 'KODE_KELURAHAN' },
  },
  posyandu: {
    description: 'posyandu register of Dinas Kesehatan (village names, RT/RW in one column)',
    columns: { nik: 'NIK', kk: 'NO_KK', name: 'NAMA', sex: 'L/P', birthDate: 'TGL_LAHIR', relationship: 'HUB_KEL', street: 'ALAMAT', rtRw: 'RT_RW', villageName: 'DESA', districtName: 'KECAMATAN' },
  },
};

const canonical = (column: string) => column.toUpperCase().replace(/[^A-Z0-9]/g, '');

export class MappingError extends Error {
  constructor(
    readonly code: 'UNKNOWN_PRESET' | 'BAD_MAPPING' | 'MISSING_COLUMN' | 'UNMAPPED_FIELD',
    message: string,
  ) {
    super(message);
  }
}

/** "name=NAMA,nik=NIK" -> a column map; unknown fields refused. */
export function parseColumnMap(spec: string): ColumnMap {
  const map: ColumnMap = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    const field = part.slice(0, at).trim();
    const column = part.slice(at + 1).trim();
    if (at <= 0 || !column || !(IMPORT_FIELDS as readonly string[]).includes(field)) {
      throw new MappingError('BAD_MAPPING', `mapping "${part.slice(0, 60)}": expected field=COLUMN with field one of ${IMPORT_FIELDS.join(', ')}`);
    }
    map[field as ImportField] = column;
  }
  return map;
}

/**
 * The mapping of one file: the preset's or recognised columns, overridden by the given ones, each
 * found in the header. Throws before any row is read when a named column is not in the file or a
 * required field has no column.
 */
export function resolveMapping(header: readonly string[], options: { preset?: string; mapping?: ColumnMap }): Record<ImportField, string | undefined> {
  const byCanonical = new Map(header.map((h) => [canonical(h), h]));
  let base: ColumnMap;
  if (options.preset !== undefined) {
    const preset = PRESETS[options.preset];
    if (!preset) throw new MappingError('UNKNOWN_PRESET', `no preset "${options.preset.slice(0, 40)}" (presets: ${Object.keys(PRESETS).join(', ')})`);
    base = preset.columns;
  } else {
    base = {};
    for (const field of IMPORT_FIELDS) {
      const found = USUAL[field].find((c) => byCanonical.has(canonical(c)));
      if (found) base[field] = found;
    }
  }
  const wanted = { ...base, ...options.mapping };
  const out = {} as Record<ImportField, string | undefined>;
  const missing: string[] = [];
  for (const field of IMPORT_FIELDS) {
    const column = wanted[field];
    if (column === undefined) continue;
    const actual = byCanonical.get(canonical(column));
    if (actual === undefined) {
      // A preset's optional column may be absent; a column named on the command line may not.
      if (options.mapping?.[field] !== undefined || isRequired(field)) missing.push(`${field}=${column}`);
      continue;
    }
    out[field] = actual;
  }
  if (missing.length > 0) throw new MappingError('MISSING_COLUMN', `no column for ${missing.join(', ')} (the file's columns: ${header.slice(0, 40).join(', ')})`);
  const unmapped = REQUIRED.filter((r) => (Array.isArray(r) ? r.every((f) => out[f] === undefined) : out[r] === undefined)).map((r) => (Array.isArray(r) ? r.join(' or ') : r));
  if (unmapped.length > 0) throw new MappingError('UNMAPPED_FIELD', `no column for the required field(s) ${unmapped.join(', ')} (map them: field=COLUMN; the file's columns: ${header.slice(0, 40).join(', ')})`);
  return out;
}

function isRequired(field: ImportField): boolean {
  return REQUIRED.some((r) => (Array.isArray(r) ? r.length === 1 && r[0] === field : r === field));
}
