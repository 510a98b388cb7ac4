import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { aggregationModule } from './app.module';
import { loadAggregationSettings } from './config/aggregation.config';
import { AGGREGATION } from './config/service';
import { reconcileCommand } from './reconcile/reconcile.command';

const config = loadBaseConfigOrExit(AGGREGATION.name);
const settings = loadSettingsOrExit(AGGREGATION.name, () => loadAggregationSettings());

if (process.argv[2] === 'reconcile') {
  reconcileCommand(config, settings, process.argv.slice(3)).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (err) => {
      process.stderr.write(`reconcile failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  void bootstrapService(aggregationModule(config, settings), AGGREGATION, config);
}
