import { normaliseName, phoneticKey, spellingKey } from './names';

describe('normaliseName', () => {
  it.each([
    ['H. Ahmad Dahlan', 'ahmad dahlan'],
    ['Hj. Siti Aminah, S.Pd.', 'siti aminah'],
    ['Ir. H. Joko Widodo', 'joko widodo'],
    ['Drs. Bambang Susanto M.Si.', 'bambang susanto'],
    ['dr. Dewi Lestari, Sp.A', 'dewi lestari'],
    ['Dewi Lestari S. Pd', 'dewi lestari'],
    ['BUDI   SANTOSO', 'budi santoso'],
    ["Ma'ruf Amin", 'maruf amin'],
    ['Siti Nurhaliza-Putri', 'siti nurhaliza putri'],
    ['Désy Ratnasari', 'desy ratnasari'],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseName(raw).text).toBe(expected);
  });

  it.each(['Muhammad Yusuf', 'M. Yusuf', 'M.Yusuf', 'Moch. Yusuf', 'Moh Yusuf', 'Muh. Yusuf', 'Mohammad Yusuf', 'Muhamad Yusuf', 'Mochammad Yusuf', 'MUHAMMAD YUSUF'])(
    'reads %s as Muhammad Yusuf',
    (raw) => {
      expect(normaliseName(raw).text).toBe('muhammad yusuf');
    },
  );

  it('keeps a trailing initial M as an initial, and a name that only looks like a title', () => {
    expect(normaliseName('Ahmad M.').text).toBe('ahmad m');
    // A lone "Se" or "Ma" is a name, not a degree, when it is the whole name.
    expect(normaliseName('Ma').text).toBe('ma');
  });

  it('gives empty text for blank or title-only input', () => {
    expect(normaliseName('').text).toBe('');
    expect(normaliseName(null).parts).toEqual([]);
    expect(normaliseName('H. Hj.').text).toBe('');
  });
});

describe('spellingKey', () => {
  it.each([
    ['soedjatmiko', 'sujatmiko'],
    ['tjahjono', 'cahyono'],
    ['djojo', 'joyo'],
    ['soerjo', 'suryo'],
    ['njoman', 'nyoman'],
    ['chairul', 'khairul'],
    ['mohammad', 'mohamad'],
  ])('old %s and new %s compare as equal', (old, current) => {
    expect(spellingKey(old)).toBe(spellingKey(current));
  });

  it('keeps different names apart', () => {
    expect(spellingKey('budi')).not.toBe(spellingKey('bayu'));
    expect(spellingKey('siti')).not.toBe(spellingKey('sari'));
  });
});

describe('phoneticKey', () => {
  it('gives old and new spellings and small typos one key', () => {
    expect(phoneticKey('soedjatmiko')).toBe(phoneticKey('sujatmiko'));
    expect(phoneticKey('tjipto')).toBe(phoneticKey('cipto'));
    expect(phoneticKey('santoso')).toBe(phoneticKey('santosa'));
  });

  it('is at most four characters and empty for an empty part', () => {
    expect(phoneticKey('kartikasari').length).toBeLessThanOrEqual(4);
    expect(phoneticKey('')).toBe('');
  });
});
