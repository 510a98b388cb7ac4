import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseProgramme, type ProgrammeDefinition } from './programme';

/** libs/domain/data/programmes, from the sources (tests) or from the compiled dist/ tree. */
function defaultDir(): string {
  const candidates = [join(__dirname, '..', '..', 'data', 'programmes'), join(__dirname, '..', '..', '..', '..', '..', 'libs', 'domain', 'data', 'programmes')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** Reads every programme definition (`*.json`) of a folder; the built-in seven by default. */
export function loadProgrammes(dir: string = defaultDir()): ProgrammeDefinition[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      try {
        return parseProgramme(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      } catch (err) {
        throw new Error(`${f}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
}
