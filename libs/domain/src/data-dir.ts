import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A folder of libs/domain/data, found from the sources (tests: src/<area>/) or from the compiled
 * tree (dist/libs/domain/src/<area>/ resolves back to the repository's libs/domain/data).
 */
export function domainDataDir(name: string, fromDir: string): string {
  const candidates = [join(fromDir, '..', '..', 'data', name), join(fromDir, '..', '..', '..', '..', '..', 'libs', 'domain', 'data', name)];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}
