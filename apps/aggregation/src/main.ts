import { bootstrapService, loadBaseConfigOrExit, loadProtectorOrExit, loadSettingsOrExit, runCommand } from '@satupintu/platform';
import { aggregationModule } from './app.module';
import { loadAggregationSettings } from './config/aggregation.config';
import { AGGREGATION } from './config/service';
import { reconcileCommand } from './reconcile/reconcile.command';

const config = loadBaseConfigOrExit(AGGREGATION.name);
const settings = loadSettingsOrExit(AGGREGATION.name, () => loadAggregationSettings());

if (process.argv[2] === 'reconcile') {
  // The recount reads the registry's protected history: it needs the registry's keyring (the running service does not).
  const protector = loadProtectorOrExit(AGGREGATION.name);
  runCommand('reconcile', reconcileCommand(config, settings, protector, process.argv.slice(3)));
} else {
  void bootstrapService(aggregationModule(config, settings), AGGREGATION, config);
}
