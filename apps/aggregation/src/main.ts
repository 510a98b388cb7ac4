import { bootstrapService, DATA_SOURCE, loadBaseConfigOrExit, loadProtectorOrExit, loadSettingsOrExit, LOGGER, protectValuesInClear, rotateCommand, runCommand } from '@satupintu/platform';
import { jsonColumnInClearSql, PROTECTED, rotateTables, sealedJsonTable, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { aggregationModule } from './app.module';
import { loadAggregationSettings } from './config/aggregation.config';
import { AGGREGATION } from './config/service';
import { reconcileCommand } from './reconcile/reconcile.command';

const config = loadBaseConfigOrExit(AGGREGATION.name);
const settings = loadSettingsOrExit(AGGREGATION.name, () => loadAggregationSettings());
// Family states are sealed at rest; the recount also opens the registry's history with it.
const protector = loadProtectorOrExit(AGGREGATION.name);
const STATES = [sealedJsonTable('aggregation.families', 'family_id', 'uuid', 'state', PROTECTED.aggregation.familyState)];
const rotate = (db: DataSource, p: Protector, options = {}) => rotateTables(db, p, STATES, options);

if (process.argv[2] === 'reconcile') {
  runCommand('reconcile', reconcileCommand(config, settings, protector, process.argv.slice(3)));
} else if (process.argv[2] === 'rotate') {
  runCommand('rotate', rotateCommand(AGGREGATION, config, protector, process.argv.slice(3), rotate));
} else {
  void bootstrapService(aggregationModule(config, settings, protector), AGGREGATION, config, {
    beforeStart: (app) => protectValuesInClear(app.get(DATA_SOURCE), protector, app.get(LOGGER), jsonColumnInClearSql('aggregation.families', 'state'), rotate),
  });
}
