import { compareDates, compareExact, compareIds, compareNames, compareRegions, compareStrings, DATE_LEVELS, ID_LEVELS, NAME_LEVELS, REGION_LEVELS, similarity } from './compare';
import { normaliseName } from './names';

const names = (a: string, b: string) => {
  const l = compareNames(normaliseName(a), normaliseName(b));
  return l === null ? null : NAME_LEVELS[l];
};

describe('compareNames', () => {
  it('grades pairs of names', () => {
    expect(names('Budi Santoso', 'BUDI SANTOSO')).toBe('exact');
    expect(names('H. Budi Santoso, S.E.', 'Budi Santoso')).toBe('exact');
    expect(names('Moch. Yusuf', 'Muhammad Yusuf')).toBe('exact');
    expect(names('Soedjatmiko', 'Sujatmiko')).toBe('same-spelling');
    expect(names('Santoso Budi', 'Budi Santoso')).toBe('same-spelling');
    expect(names('Nurhayati', 'Nur Hayati')).toBe('same-spelling');
    expect(names('Budi Santoso', 'Budi Santosa')).toBe('typo');
    expect(names('A. Hartono', 'Agus Hartono')).toBe('typo');
    expect(names('Budi Santoso', 'Budi')).toBe('part-missing');
    expect(names('Moh. Dadang', 'Dadang')).toBe('part-missing');
    expect(names('Hartono', 'Hartono Agus')).toBe('part-missing');
    expect(names('Siti Rahayu', 'Siti Rahmawati')).toBe('shares-a-part');
    expect(names('Hasan Santoso', 'Husin Santoso')).toBe('shares-a-part');
    expect(names('Budi Santoso', 'Agus Wibowo')).toBe('different');
    expect(names('', 'Budi')).toBeNull();
  });

  it('reads old-spelling abbreviations of Muhammad and letters dropped from short or doubled parts', () => {
    expect(names('Moeh. Loeprilan', 'Muhammad Luprilan')).toBe('same-spelling');
    expect(names('Moeh. Moehammad', 'Muhammad Muhammad')).toBe('exact');
    expect(names('Sii Sujitun', 'Siti Sujitun')).toBe('typo');
    expect(names('Kkyati Suhyati', 'Kakyati Suhyati')).toBe('typo');
    // Two three-letter parts one letter apart are two names, not one mistyped.
    expect(names('Eko Santoso', 'Eka Santoso')).toBe('shares-a-part');
  });
});

describe('compareDates', () => {
  const level = (a: string | null, b: string | null) => {
    const l = compareDates(a, b);
    return l === null ? null : DATE_LEVELS[l];
  };
  it('grades pairs of dates', () => {
    expect(level('1960-03-04', '19600304')).toBe('exact');
    expect(level('1960-03-04', '1960-04-03')).toBe('day-month-transposed');
    expect(level('1960-03-04', '1960-03-05')).toBe('one-day-off');
    expect(level('1960-03-31', '1960-04-01')).toBe('one-day-off');
    expect(level('1960-03-04', '1960-03-14')).toBe('one-typo');
    expect(level('1960-03-04', '1961-03-04')).toBe('one-typo');
    expect(level('1986-03-04', '1968-03-04')).toBe('one-typo');
    expect(level('1968-01-18', '2013-01-18')).toBe('ten-years-apart');
    expect(level('1995-03-27', '1995-11-27')).toBe('same-year');
    expect(level('1960-03-04', '1960-03-27')).toBe('same-month-year');
    expect(level('1960-03-04', '1960-07-01')).toBe('placeholder');
    expect(level('1960-03-04', '1960-09-21')).toBe('same-year');
    expect(level('1960-03-04', '1965-11-20')).toBe('different');
    expect(level('1960-03-04', '1985-11-20')).toBe('ten-years-apart');
    expect(level(null, '1960-03-04')).toBeNull();
    expect(level('1960-03', '1960-03-04')).toBeNull();
  });
});

describe('compareIds', () => {
  const level = (a: string | null, b: string | null) => {
    const l = compareIds(a, b);
    return l === null ? null : ID_LEVELS[l];
  };
  it('grades pairs of identifiers', () => {
    expect(level('3171010101900001', '3171010101900001')).toBe('exact');
    expect(level('3171010101900001', '3171010101900007')).toBe('one-edit');
    expect(level('3171010101900012', '3171010101900021')).toBe('one-edit');
    expect(level('3171010101900001', '3171010101900')).toBe('different');
    expect(level('3171010101900001', '3201010101900099')).toBe('different');
    expect(level('', '3171010101900001')).toBeNull();
  });
});

describe('compareRegions', () => {
  it('says where two villages meet in the region tree', () => {
    const level = (a: string, b: string) => REGION_LEVELS[compareRegions(a, b)!];
    expect(level('31.71.01.1001', '31.71.01.1001')).toBe('same-village');
    expect(level('31.71.01.1001', '31.71.01.1002')).toBe('same-district');
    expect(level('31.71.01.1001', '31.71.02.1001')).toBe('same-regency');
    expect(level('31.71.01.1001', '31.74.02.1001')).toBe('same-province');
    expect(level('31.71.01.1001', '32.01.01.2001')).toBe('different');
    expect(compareRegions(null, '31.71.01.1001')).toBeNull();
  });
});

describe('compareStrings and compareExact', () => {
  it('grade free text and codes', () => {
    expect(compareStrings('tullaroop street', 'tullaroop street')).toBe(0);
    expect(compareStrings('tullaroop street', 'tullaroop strete')).toBe(1);
    expect(compareStrings('tullaroop street', 'goldfinch circuit')).toBe(3);
    expect(compareExact('M', 'M')).toBe(0);
    expect(compareExact('M', 'F')).toBe(1);
    expect(compareExact(null, 'F')).toBeNull();
  });

  it('uses the library Jaro-Winkler (1 for equal, 0 for empty)', () => {
    expect(similarity('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(similarity('', 'x')).toBe(0);
  });
});
