import { officialRegions } from '@satupintu/domain';
import type { VillageResolver } from '@satupintu/importing';

const canonical = (name: string) =>
  name
    .toUpperCase()
    .replace(/^(DESA|KELURAHAN|KEL\.?|DS\.?|KEC\.?|KECAMATAN)\s+/, '')
    .replace(/[^A-Z0-9]/g, '');

let byName: Map<string, string[]> | undefined;

/** Village codes by canonical name, from the official list (built once: 80k villages). */
function villagesByName(): Map<string, string[]> {
  if (!byName) {
    byName = new Map();
    for (const r of officialRegions().values()) {
      if (r.code.split('.').length !== 4) continue;
      const key = canonical(r.name);
      const list = byName.get(key) ?? [];
      list.push(r.code);
      byName.set(key, list);
    }
  }
  return byName;
}

/**
 * Resolves village names of a list against the official region list, within the importer's region
 * scope (null: the whole country) and, when the list gives it, the district's name. One village:
 * its code; none or several: a finding that says what to add (the district, or KODE_DESA).
 */
export function villageResolver(scope: string[] | null): VillageResolver {
  const inScope = (code: string) => scope === null || scope.some((r) => code === r || code.startsWith(`${r}.`));
  return (villageName, districtName) => {
    let codes = (villagesByName().get(canonical(villageName)) ?? []).filter(inScope);
    if (districtName !== undefined && codes.length > 1) {
      const district = canonical(districtName);
      codes = codes.filter((c) => canonical(officialRegions().get(c.split('.').slice(0, 3).join('.'))?.name ?? '') === district);
    }
    if (codes.length === 1) return { ok: true, value: codes[0] };
    if (codes.length === 0) return { ok: false, code: 'VILLAGE_UNKNOWN', message: 'no village of this name in the official list (within your regions and the district given)' };
    return { ok: false, code: 'VILLAGE_AMBIGUOUS', message: `${codes.length} villages have this name: give KECAMATAN or KODE_DESA` };
  };
}
