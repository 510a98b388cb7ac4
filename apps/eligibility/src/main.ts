import { bootstrapService, DATA_SOURCE, loadBaseConfigOrExit, loadProtectorOrExit, loadSettingsOrExit, LOGGER, protectValuesInClear, rotateCommand, runCommand } from '@satupintu/platform';
import { jsonColumnInClearSql, PROTECTED, rotateTables, sealedJsonTable, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { eligibilityModule } from './app.module';
import { backfillCommand } from './backfill/backfill.command';
import { loadEligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';

const config = loadBaseConfigOrExit(ELIGIBILITY.name);
const settings = loadSettingsOrExit(ELIGIBILITY.name, () => loadEligibilitySettings());
const protector = loadProtectorOrExit(ELIGIBILITY.name);
// The sealed copies of family states (docs/security.md "Encryption at rest").
const STATES = [sealedJsonTable('eligibility.families', 'family_id', 'uuid', 'state', PROTECTED.eligibility.familyState)];
const rotate = (db: DataSource, p: Protector, options = {}) => rotateTables(db, p, STATES, options);
if (process.argv[2] === 'backfill') {
  runCommand('backfill', backfillCommand(config, settings, protector, process.argv.slice(3)));
} else if (process.argv[2] === 'rotate') {
  runCommand('rotate', rotateCommand(ELIGIBILITY, config, protector, process.argv.slice(3), rotate));
} else {
  void bootstrapService(eligibilityModule(config, settings, protector), ELIGIBILITY, config, {
    beforeStart: (app) => protectValuesInClear(app.get(DATA_SOURCE), protector, app.get(LOGGER), jsonColumnInClearSql('eligibility.families', 'state'), rotate),
  });
}
