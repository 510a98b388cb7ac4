import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit, runCommand } from '@satupintu/platform';
import { subscriptionsModule } from './app.module';
import { SUBSCRIPTIONS } from './config/service';
import { loadSubscriptionsSettings } from './config/subscriptions.config';
import { retentionCommand } from './retention/retention.command';

const config = loadBaseConfigOrExit(SUBSCRIPTIONS.name);
if (process.argv[2] === 'retention') {
  runCommand('retention', retentionCommand(config, process.argv.slice(3)));
} else {
  const settings = loadSettingsOrExit(SUBSCRIPTIONS.name, () => loadSubscriptionsSettings());
  void bootstrapService(subscriptionsModule(config, settings), SUBSCRIPTIONS, config);
}
