import { officialRegions } from './region-catalogue';
import { ancestry, levelOf, parentOf, regionPathOf } from './regions';

describe('region codes', () => {
  it('splits a village code into its ancestors', () => {
    const path = regionPathOf('31.71.01.1001');
    expect(path).toEqual({ villageCode: '31.71.01.1001', districtCode: '31.71.01', regencyCode: '31.71', provinceCode: '31' });
    expect(ancestry(path!)).toEqual(['31.71.01.1001', '31.71.01', '31.71', '31', 'ID']);
  });

  it.each(['31.71.01', '3171011001', '31.71.01.10011', '', 'x'])('refuses %p as a village code', (code) => {
    expect(regionPathOf(code)).toBeNull();
  });

  it('knows levels and parents', () => {
    expect(levelOf('ID')).toBe('country');
    expect(levelOf('31')).toBe('province');
    expect(levelOf('31.01')).toBe('regency');
    expect(levelOf('31.01.01')).toBe('district');
    expect(levelOf('31.01.01.1001')).toBe('village');
    expect(levelOf('31.1')).toBeNull();
    expect(parentOf('31.01.01.1001')).toBe('31.01.01');
    expect(parentOf('31')).toBe('ID');
    expect(parentOf('ID')).toBeNull();
  });
});

describe('official region catalogue (idn-area-data)', () => {
  const regions = officialRegions();

  it('holds the whole country', () => {
    expect(regions.childrenOf('ID').length).toBeGreaterThanOrEqual(34);
    expect(regions.size).toBeGreaterThan(80_000);
  });

  it('has Kepulauan Seribu with its two districts and six kelurahan', () => {
    expect(regions.get('31.01')?.name).toMatch(/Kepulauan Seribu/);
    expect(regions.childrenOf('31.01')).toEqual(['31.01.01', '31.01.02']);
    expect(regions.childrenOf('31.01.01').length + regions.childrenOf('31.01.02').length).toBe(6);
    expect(regions.get('31.01.01.1001')?.parentCode).toBe('31.01.01');
  });
});
