import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { subscriptionsModule } from './app.module';
import { SUBSCRIPTIONS } from './config/service';
import { loadSubscriptionsSettings } from './config/subscriptions.config';

const config = loadBaseConfigOrExit(SUBSCRIPTIONS.name);
const settings = loadSettingsOrExit(SUBSCRIPTIONS.name, () => loadSubscriptionsSettings());

void bootstrapService(subscriptionsModule(config, settings), SUBSCRIPTIONS, config);
