/**
 * The indicator catalogue of the family dashboard: 13 themes, each indicator defined as a ratio of
 * two counters (or a plain count). Counters are what families contribute (see family-counters.ts);
 * aggregation adds them up per region, so every indicator of every region is exact and incremental.
 */

export const THEMES = [
  'population',
  'economy',
  'education',
  'employment',
  'housing',
  'environment',
  'disaster',
  'information-technology',
  'transport',
  'family-planning',
  'social',
  'health',
  'stunting',
] as const;
export type Theme = (typeof THEMES)[number];

export interface Label {
  id: string;
  en: string;
}

export const THEME_LABELS: Record<Theme, Label> = {
  population: { id: 'Kependudukan', en: 'Population' },
  economy: { id: 'Ekonomi', en: 'Economy' },
  education: { id: 'Pendidikan', en: 'Education' },
  employment: { id: 'Ketenagakerjaan', en: 'Employment' },
  housing: { id: 'Perumahan', en: 'Housing' },
  environment: { id: 'Lingkungan', en: 'Environment' },
  disaster: { id: 'Potensi Bencana', en: 'Disaster exposure' },
  'information-technology': { id: 'Teknologi Informasi', en: 'Information technology' },
  transport: { id: 'Transportasi', en: 'Transport' },
  'family-planning': { id: 'Fertilitas dan KB', en: 'Fertility and family planning' },
  social: { id: 'Sosial', en: 'Social' },
  health: { id: 'Kesehatan', en: 'Health' },
  stunting: { id: 'Tengkes (Stunting)', en: 'Stunting' },
};

/** How an indicator is read: a count, a percentage of its denominator, or a plain ratio. */
export type IndicatorUnit = 'count' | 'percent' | 'ratio';

export interface IndicatorDefinition {
  id: string;
  theme: Theme;
  label: Label;
  unit: IndicatorUnit;
  /** Counter ids summed for the numerator. */
  numerator: string[];
  /** Counter ids summed for the denominator (absent for counts). */
  denominator?: string[];
  /** Numerator and denominator in words. */
  definition: { numerator: Label; denominator?: Label };
  /** Indicators shown together in one chart (e.g. the population pyramid). */
  group?: string;
}

/** Age groups of the population pyramid: five years wide, the last one open. */
export const AGE_GROUPS = Array.from({ length: 16 }, (_, i) => (i === 15 ? '75+' : `${String(i * 5).padStart(2, '0')}-${String(i * 5 + 4).padStart(2, '0')}`));

export function ageGroupOf(age: number): string {
  return AGE_GROUPS[Math.min(15, Math.max(0, Math.floor(age / 5)))];
}

export const EDUCATION_LEVELS = ['tidak-belum-sekolah', 'belum-tamat-sd', 'sd', 'sltp', 'slta', 'd1-d2', 'd3', 'd4-s1', 's2', 's3'] as const;

const L = (id: string, en: string): Label => ({ id, en });

const count = (id: string, theme: Theme, label: Label, counter: string, what: Label, group?: string): IndicatorDefinition => ({
  id,
  theme,
  label,
  unit: 'count',
  numerator: [counter],
  definition: { numerator: what },
  ...(group ? { group } : {}),
});

const percent = (id: string, theme: Theme, label: Label, numerator: string[], denominator: string[], num: Label, den: Label, group?: string): IndicatorDefinition => ({
  id,
  theme,
  label,
  unit: 'percent',
  numerator,
  denominator,
  definition: { numerator: num, denominator: den },
  ...(group ? { group } : {}),
});

const PERSONS = L('penduduk tercatat', 'persons recorded');
const FAMILIES = L('keluarga tercatat', 'families recorded');
const SEX_LABEL = { M: L('laki-laki', 'male'), F: L('perempuan', 'female') } as const;

const pyramid: IndicatorDefinition[] = (['M', 'F'] as const).flatMap((sex) =>
  AGE_GROUPS.map((g) =>
    count(
      `population.pyramid.${sex.toLowerCase()}.${g}`,
      'population',
      L(`${SEX_LABEL[sex].id} ${g} tahun`, `${SEX_LABEL[sex].en} ${g} years`),
      `pop.${sex}.${g}`,
      L(`penduduk ${SEX_LABEL[sex].id} berumur ${g} tahun`, `${SEX_LABEL[sex].en} persons aged ${g}`),
      `pyramid-${sex.toLowerCase()}`,
    ),
  ),
);

const deciles: IndicatorDefinition[] = Array.from({ length: 10 }, (_, i) =>
  percent(
    `economy.decile.${i + 1}`,
    'economy',
    L(`Desil ${i + 1}`, `Decile ${i + 1}`),
    [`fam.desil.${i + 1}`],
    ['fam.desil.known'],
    L(`keluarga di desil ${i + 1}`, `families in decile ${i + 1}`),
    L('keluarga dengan desil tercatat', 'families with a recorded decile'),
    'deciles',
  ),
);

const attainment: IndicatorDefinition[] = EDUCATION_LEVELS.map((level) =>
  percent(
    `education.attainment.${level}`,
    'education',
    L(`Pendidikan tertinggi: ${level.toUpperCase()}`, `Highest level: ${level.toUpperCase()}`),
    [`edu25.${level}`],
    ['edu25.known'],
    L(`penduduk 25+ tahun dengan pendidikan tertinggi ${level}`, `persons aged 25+ whose highest level is ${level}`),
    L('penduduk 25+ tahun dengan pendidikan tercatat', 'persons aged 25+ with a recorded education'),
    'attainment',
  ),
);

export const INDICATORS: readonly IndicatorDefinition[] = [
  // Population
  count('population.families', 'population', L('Jumlah keluarga', 'Families'), 'families', FAMILIES),
  count('population.persons', 'population', L('Jumlah penduduk', 'Persons'), 'persons', PERSONS),
  count('population.male', 'population', L('Penduduk laki-laki', 'Male persons'), 'persons.M', L('penduduk laki-laki', 'male persons')),
  count('population.female', 'population', L('Penduduk perempuan', 'Female persons'), 'persons.F', L('penduduk perempuan', 'female persons')),
  {
    id: 'population.family-size',
    theme: 'population',
    label: L('Rata-rata anggota keluarga', 'Average family size'),
    unit: 'ratio',
    numerator: ['persons'],
    denominator: ['families'],
    definition: { numerator: PERSONS, denominator: FAMILIES },
  },
  ...pyramid,
  // Economy
  percent('economy.low-welfare', 'economy', L('Keluarga desil 1-4', 'Families in deciles 1-4'), ['fam.desil.1', 'fam.desil.2', 'fam.desil.3', 'fam.desil.4'], ['fam.desil.known'], L('keluarga di desil 1 sampai 4', 'families in deciles 1 to 4'), L('keluarga dengan desil tercatat', 'families with a recorded decile')),
  ...deciles,
  // Education
  percent('education.out-of-school', 'education', L('Anak usia sekolah tidak bersekolah', 'School-age children out of school'), ['school.out'], ['school.known'], L('anak 7-18 tahun yang tidak pernah atau tidak lagi bersekolah', 'children aged 7-18 who never attended or left school'), L('anak 7-18 tahun dengan partisipasi sekolah tercatat', 'children aged 7-18 with recorded school participation')),
  percent('education.upper-secondary', 'education', L('Penduduk 25+ tamat SLTA ke atas', 'Persons 25+ with upper secondary or more'), ['edu25.slta', 'edu25.d1-d2', 'edu25.d3', 'edu25.d4-s1', 'edu25.s2', 'edu25.s3'], ['edu25.known'], L('penduduk 25+ tahun tamat SLTA atau lebih tinggi', 'persons aged 25+ who completed upper secondary or higher'), L('penduduk 25+ tahun dengan pendidikan tercatat', 'persons aged 25+ with a recorded education')),
  ...attainment,
  // Employment
  percent('employment.working', 'employment', L('Penduduk 15+ yang bekerja', 'Persons 15+ working'), ['work.bekerja'], ['work.known'], L('penduduk 15+ tahun yang bekerja', 'persons aged 15+ who work'), L('penduduk 15+ tahun dengan status pekerjaan tercatat', 'persons aged 15+ with a recorded employment status')),
  percent('employment.unemployment', 'employment', L('Tingkat pengangguran terbuka', 'Open unemployment rate'), ['work.mencari-kerja'], ['work.bekerja', 'work.mencari-kerja'], L('penduduk 15+ tahun yang mencari kerja', 'persons aged 15+ looking for work'), L('angkatan kerja: bekerja atau mencari kerja', 'labour force: working or looking for work')),
  // Housing
  percent('housing.uninhabitable', 'housing', L('Rumah tidak layak huni', 'Uninhabitable houses'), ['house.rtlh'], ['house.known'], L('keluarga dengan lantai tanah, dinding bambu, atap rumbia, luas < 7,2 m2 per orang, atau tanpa jamban', 'families with an earth floor, bamboo walls, thatch roof, under 7.2 m2 per person, or no toilet'), L('keluarga dengan data rumah', 'families with housing data')),
  percent('housing.own-house', 'housing', L('Rumah milik sendiri', 'Own house'), ['house.own'], ['house.ownership-known'], L('keluarga yang menempati rumah milik sendiri', 'families living in their own house'), L('keluarga dengan status kepemilikan tercatat', 'families with a recorded ownership')),
  percent('housing.safe-water', 'housing', L('Air minum layak', 'Safe drinking water'), ['house.water-safe'], ['house.water-known'], L('keluarga dengan air ledeng, kemasan, sumur bor/terlindung, atau hujan', 'families with piped, bottled, borehole/protected well or rain water'), L('keluarga dengan sumber air minum tercatat', 'families with a recorded water source')),
  percent('housing.sanitation', 'housing', L('Sanitasi layak', 'Proper sanitation'), ['house.sanitation-own'], ['house.sanitation-known'], L('keluarga dengan jamban sendiri', 'families with their own toilet'), L('keluarga dengan sanitasi tercatat', 'families with recorded sanitation')),
  percent('housing.electricity', 'housing', L('Listrik PLN', 'Grid electricity'), ['house.electricity-pln'], ['house.electricity-known'], L('keluarga dengan listrik PLN (meteran atau tidak)', 'families with grid electricity (metered or not)'), L('keluarga dengan sumber listrik tercatat', 'families with a recorded electricity source')),
  // Environment
  percent('environment.clean-fuel', 'environment', L('Bahan bakar memasak bersih', 'Clean cooking fuel'), ['env.clean-fuel'], ['env.fuel-known'], L('keluarga memasak dengan listrik atau gas', 'families cooking with electricity or gas'), L('keluarga dengan bahan bakar tercatat', 'families with a recorded cooking fuel')),
  percent('environment.unprotected-water', 'environment', L('Sumber air tidak terlindung', 'Unprotected water source'), ['env.water-unprotected'], ['house.water-known'], L('keluarga dengan air sungai, sumur atau mata air tak terlindung', 'families using river water, unprotected wells or springs'), L('keluarga dengan sumber air minum tercatat', 'families with a recorded water source')),
  percent('environment.open-defecation', 'environment', L('Buang air besar sembarangan', 'Open defecation'), ['env.no-toilet'], ['house.sanitation-known'], L('keluarga tanpa jamban', 'families without any toilet'), L('keluarga dengan sanitasi tercatat', 'families with recorded sanitation')),
  // Disaster
  percent('disaster.flood-prone', 'disaster', L('Keluarga di daerah rawan banjir', 'Families in flood-prone areas'), ['disaster.flood'], ['disaster.known'], L('keluarga di daerah rawan banjir', 'families in flood-prone areas'), L('keluarga dengan data kebencanaan', 'families with disaster data')),
  percent('disaster.landslide-prone', 'disaster', L('Keluarga di daerah rawan longsor', 'Families in landslide-prone areas'), ['disaster.landslide'], ['disaster.known'], L('keluarga di daerah rawan longsor', 'families in landslide-prone areas'), L('keluarga dengan data kebencanaan', 'families with disaster data')),
  // Information technology
  percent('it.internet', 'information-technology', L('Akses internet', 'Internet access'), ['it.internet'], ['it.internet-known'], L('keluarga dengan akses internet', 'families with internet access'), L('keluarga dengan akses internet tercatat', 'families with recorded internet access')),
  percent('it.smartphone', 'information-technology', L('Memiliki telepon pintar', 'Owns a smartphone'), ['it.smartphone'], ['it.smartphone-known'], L('keluarga yang memiliki telepon pintar', 'families owning a smartphone'), L('keluarga dengan kepemilikan telepon tercatat', 'families with recorded smartphone ownership')),
  // Transport
  percent('transport.own-vehicle', 'transport', L('Memiliki kendaraan bermotor', 'Owns a motor vehicle'), ['transport.vehicle'], ['transport.known'], L('keluarga yang memiliki sepeda motor atau mobil', 'families owning a motorcycle or car'), L('keluarga dengan data transportasi', 'families with transport data')),
  percent('transport.public', 'transport', L('Mengandalkan angkutan umum', 'Relies on public transport'), ['transport.public'], ['transport.known'], L('keluarga yang sehari-hari memakai angkutan umum', 'families mainly using public transport'), L('keluarga dengan data transportasi', 'families with transport data')),
  // Family planning
  count('family-planning.pus', 'family-planning', L('Pasangan usia subur (PUS)', 'Couples of reproductive age'), 'fp.pus', L('keluarga dengan istri kawin berumur 15-49 tahun', 'families with a married wife aged 15-49')),
  percent('family-planning.contraception', 'family-planning', L('PUS ber-KB', 'Couples using contraception'), ['fp.pus-contraception'], ['fp.pus-known'], L('PUS yang memakai kontrasepsi', 'couples of reproductive age using contraception'), L('PUS dengan data KB', 'couples of reproductive age with family-planning data')),
  // Social
  percent('social.elderly', 'social', L('Penduduk lanjut usia (60+)', 'Elderly persons (60+)'), ['soc.elderly'], ['persons'], L('penduduk berumur 60 tahun atau lebih', 'persons aged 60 or more'), PERSONS),
  percent('social.disability', 'social', L('Penyandang disabilitas', 'Persons with a disability'), ['soc.disability'], ['persons'], L('penduduk dengan disabilitas', 'persons with a disability'), PERSONS),
  percent('social.severe-disability', 'social', L('Disabilitas berat', 'Severe disability'), ['soc.disability-severe'], ['persons'], L('penduduk dengan disabilitas berat', 'persons with a severe disability'), PERSONS),
  // Health
  percent('health.insured', 'health', L('Memiliki jaminan kesehatan', 'Health insurance'), ['health.insured'], ['health.insurance-known'], L('penduduk dengan JKN atau asuransi lain', 'persons with JKN or other insurance'), L('penduduk dengan jaminan kesehatan tercatat', 'persons with recorded health insurance')),
  percent('health.pbi', 'health', L('JKN-PBI (iuran dibayar negara)', 'JKN-PBI (state-paid premium)'), ['health.pbi'], ['health.insurance-known'], L('penduduk dengan JKN-PBI', 'persons with JKN-PBI'), L('penduduk dengan jaminan kesehatan tercatat', 'persons with recorded health insurance')),
  percent('health.chronic-illness', 'health', L('Penyakit kronis', 'Chronic illness'), ['health.chronic'], ['health.chronic-known'], L('penduduk dengan penyakit kronis', 'persons with a chronic illness'), L('penduduk dengan data penyakit kronis', 'persons with recorded chronic illness')),
  count('health.pregnant', 'health', L('Ibu hamil', 'Pregnant women'), 'health.pregnant', L('perempuan yang sedang hamil', 'women currently pregnant')),
  // Stunting (WHO Child Growth Standards; flagged implausible values left out)
  count('stunting.under-five', 'stunting', L('Balita', 'Children under five'), 'child.under5', L('anak berumur 0-59 bulan', 'children aged 0-59 months')),
  percent('stunting.measured', 'stunting', L('Balita diukur', 'Children under five measured'), ['child.haz-valid'], ['child.under5'], L('balita dengan pengukuran tinggi/panjang yang sah', 'children under five with a valid length/height measurement'), L('anak berumur 0-59 bulan', 'children aged 0-59 months')),
  percent('stunting.stunting', 'stunting', L('Prevalensi stunting', 'Stunting prevalence'), ['child.stunted'], ['child.haz-valid'], L('balita dengan TB/U z < -2', 'children under five with length/height-for-age z < -2'), L('balita dengan TB/U sah', 'children under five with a valid length/height-for-age')),
  percent('stunting.severe-stunting', 'stunting', L('Prevalensi stunting berat', 'Severe stunting prevalence'), ['child.severely-stunted'], ['child.haz-valid'], L('balita dengan TB/U z < -3', 'children under five with length/height-for-age z < -3'), L('balita dengan TB/U sah', 'children under five with a valid length/height-for-age')),
  percent('stunting.underweight', 'stunting', L('Prevalensi berat badan kurang', 'Underweight prevalence'), ['child.underweight'], ['child.waz-valid'], L('balita dengan BB/U z < -2', 'children under five with weight-for-age z < -2'), L('balita dengan BB/U sah', 'children under five with a valid weight-for-age')),
  percent('stunting.wasting', 'stunting', L('Prevalensi wasting', 'Wasting prevalence'), ['child.wasted'], ['child.whz-valid'], L('balita dengan BB/TB z < -2', 'children under five with weight-for-length/height z < -2'), L('balita dengan BB/TB sah', 'children under five with a valid weight-for-length/height')),
  count('stunting.implausible', 'stunting', L('Pengukuran tidak wajar', 'Implausible measurements'), 'child.flagged', L('balita dengan z-score di luar batas wajar WHO', 'children under five with a z-score outside WHO plausibility limits')),
];

export const INDICATORS_BY_ID: ReadonlyMap<string, IndicatorDefinition> = new Map(INDICATORS.map((i) => [i.id, i]));

export interface IndicatorValue {
  id: string;
  numerator: number;
  denominator: number | null;
  /** Count, percentage (0-100, two decimals) or ratio (two decimals); null when the denominator is 0. */
  value: number | null;
}

const sum = (counters: Readonly<Record<string, number>>, ids: readonly string[]) => ids.reduce((s, id) => s + (counters[id] ?? 0), 0);
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The value of one indicator from a region's counters. */
export function indicatorValue(def: IndicatorDefinition, counters: Readonly<Record<string, number>>): IndicatorValue {
  const numerator = sum(counters, def.numerator);
  if (!def.denominator) return { id: def.id, numerator, denominator: null, value: numerator };
  const denominator = sum(counters, def.denominator);
  const value = denominator === 0 ? null : def.unit === 'percent' ? round2((100 * numerator) / denominator) : round2(numerator / denominator);
  return { id: def.id, numerator, denominator, value };
}
