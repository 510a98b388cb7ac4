import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainDataDir } from '../data-dir';
import { parseProgramme, type ProgrammeDefinition } from './programme';

/** Reads every programme definition (`*.json`) of a folder; the built-in seven by default. */
export function loadProgrammes(dir: string = domainDataDir('programmes', __dirname)): ProgrammeDefinition[] {
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
