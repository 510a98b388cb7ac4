import { levelOf, officialRegions, type RegionCatalogue, type RegionLevelName } from '@satupintu/domain';
import { ApiError } from '@satupintu/platform';

/** A region code from a request: its level and the catalogue, or 404 REGION_NOT_FOUND. */
export function knownRegion(code: string): { level: RegionLevelName; catalogue: RegionCatalogue } {
  const level = levelOf(code);
  const catalogue = officialRegions();
  if (level === null || !catalogue.has(code)) throw new ApiError(404, 'REGION_NOT_FOUND', 'no region has this code');
  return { level, catalogue };
}
