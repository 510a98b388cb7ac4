import { officialRegions } from '@satupintu/domain';

/** Every village code under a region code (e.g. 31.01 gives the six villages of Kepulauan Seribu). */
export function villagesUnder(code: string): string[] {
  const catalogue = officialRegions();
  if (!catalogue.has(code)) throw new Error(`unknown region ${code}`);
  const out: string[] = [];
  const walk = (c: string) => {
    const children = catalogue.childrenOf(c);
    if (children.length === 0) out.push(c);
    else children.forEach(walk);
  };
  walk(code);
  return out.filter((c) => c.split('.').length === 4);
}
