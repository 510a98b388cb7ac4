import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The official list of Indonesian regions (Kemendagri codes) from the `idn-area-data` package
 * (ODbL), read once from the package's CSV files. Reference data, not a server: loading it is the
 * only I/O in this library.
 */
export interface Region {
  code: string;
  name: string;
  parentCode: string | null;
}

export class RegionCatalogue {
  private readonly byCode = new Map<string, Region>();
  private readonly children = new Map<string, string[]>();

  constructor(regions: Iterable<Region>) {
    for (const r of regions) {
      this.byCode.set(r.code, r);
      if (r.parentCode !== null) {
        const list = this.children.get(r.parentCode) ?? [];
        list.push(r.code);
        this.children.set(r.parentCode, list);
      }
    }
  }

  get(code: string): Region | undefined {
    return this.byCode.get(code);
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  childrenOf(code: string): string[] {
    return this.children.get(code) ?? [];
  }

  /** Every region (for look-ups by name). */
  values(): IterableIterator<Region> {
    return this.byCode.values();
  }

  get size(): number {
    return this.byCode.size;
  }
}

let shared: RegionCatalogue | undefined;

/** The catalogue of all provinces, regencies/cities, districts and villages (loaded once). */
export function officialRegions(): RegionCatalogue {
  if (!shared) {
    const dataDir = join(dirname(require.resolve('idn-area-data')), '..', 'data');
    const regions: Region[] = [{ code: 'ID', name: 'Indonesia', parentCode: null }];
    const files: Array<[string, boolean]> = [
      ['provinces.csv', false],
      ['regencies.csv', true],
      ['districts.csv', true],
      ['villages.csv', true],
    ];
    for (const [file, hasParent] of files) {
      const rows: string[][] = parse(readFileSync(join(dataDir, file), 'utf8'), { from_line: 2 });
      for (const row of rows) {
        const [code, second, third] = row;
        regions.push(hasParent ? { code, parentCode: second, name: third } : { code, name: second, parentCode: 'ID' });
      }
    }
    shared = new RegionCatalogue(regions);
  }
  return shared;
}
