import { bootstrapService, DATA_SOURCE, loadBaseConfigOrExit, loadProtectorOrExit, loadSettingsOrExit, LOGGER, protectValuesInClear, rotateCommand, runCommand } from '@satupintu/platform';
import { subscriptionsModule } from './app.module';
import { SUBSCRIPTIONS } from './config/service';
import { loadSubscriptionsSettings } from './config/subscriptions.config';
import { rotateSubscriptions, SUBSCRIPTIONS_IN_CLEAR } from './protection/subscriptions-protection';
import { retentionCommand } from './retention/retention.command';

const config = loadBaseConfigOrExit(SUBSCRIPTIONS.name);
const protector = loadProtectorOrExit(SUBSCRIPTIONS.name);
if (process.argv[2] === 'retention') {
  runCommand('retention', retentionCommand(config, process.argv.slice(3)));
} else if (process.argv[2] === 'rotate') {
  runCommand('rotate', rotateCommand(SUBSCRIPTIONS, config, protector, process.argv.slice(3), rotateSubscriptions));
} else {
  const settings = loadSettingsOrExit(SUBSCRIPTIONS.name, () => loadSubscriptionsSettings());
  void bootstrapService(subscriptionsModule(config, settings, protector), SUBSCRIPTIONS, config, {
    beforeStart: (app) => protectValuesInClear(app.get(DATA_SOURCE), protector, app.get(LOGGER), SUBSCRIPTIONS_IN_CLEAR, rotateSubscriptions),
  });
}
