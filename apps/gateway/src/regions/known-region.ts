import { levelOf, officialRegions, parentOf, type RegionCatalogue, type RegionLevelName } from '@satupintu/domain';
import { ApiError } from '@satupintu/platform';

/** A region code from a request: its level and the catalogue, or 404 REGION_NOT_FOUND. */
export function knownRegion(code: string): { level: RegionLevelName; catalogue: RegionCatalogue } {
  const level = levelOf(code);
  const catalogue = officialRegions();
  if (level === null || !catalogue.has(code)) throw new ApiError(404, 'REGION_NOT_FOUND', 'no region has this code');
  return { level, catalogue };
}

/** The regions above a code, from the country down to its parent, with their names (for breadcrumbs). */
export function ancestorsOf(code: string, catalogue: RegionCatalogue): Array<{ code: string; name: string | null }> {
  const out: Array<{ code: string; name: string | null }> = [];
  for (let p = parentOf(code); p !== null; p = parentOf(p)) out.unshift({ code: p, name: p === 'ID' ? 'Indonesia' : (catalogue.get(p)?.name ?? null) });
  return out;
}
