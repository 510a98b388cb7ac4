import { formatNik, kkDistrictCode, parseNik } from './nik';

describe('parseNik', () => {
  it.each([
    ['3171011505900001', { districtCode: '31.71.01', day: 15, month: 5, yy: 90, sex: 'M', serial: '0001' }],
    ['3171015505900002', { districtCode: '31.71.01', day: 15, month: 5, yy: 90, sex: 'F', serial: '0002' }],
    ['3101017112000123', { districtCode: '31.01.01', day: 31, month: 12, yy: 0, sex: 'F', serial: '0123' }],
    ['3101012902000001', { districtCode: '31.01.01', day: 29, month: 2, yy: 0, sex: 'M', serial: '0001' }],
  ])('reads %s', (nik, parts) => {
    expect(parseNik(nik)).toEqual(parts);
  });

  it.each([
    ['not sixteen digits', '317101150590000'],
    ['letters', '31710115059000AB'],
    ['day 00', '3171010005900001'],
    ['day 32 (neither male nor female)', '3171013205900001'],
    ['day 40', '3171014005900001'],
    ['day 72', '3171017205900001'],
    ['month 13', '3171011513900001'],
    ['31 April', '3171013104900001'],
    ['30 February', '3171013002900001'],
  ])('refuses %s', (_why, nik) => {
    expect(parseNik(nik)).toBeNull();
  });
});

describe('formatNik', () => {
  it('adds 40 to the day for women and round-trips through parseNik', () => {
    const nik = formatNik('31.01.02', '1987-09-05', 'F', 42);
    expect(nik).toBe('3101024509870042');
    expect(parseNik(nik)).toEqual({ districtCode: '31.01.02', day: 5, month: 9, yy: 87, sex: 'F', serial: '0042' });
  });
});

describe('kkDistrictCode', () => {
  it('takes the first six digits', () => {
    expect(kkDistrictCode('3101010101200001')).toBe('31.01.01');
    expect(kkDistrictCode('31010101012000')).toBeNull();
  });
});
