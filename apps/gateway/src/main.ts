import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { gatewayModule } from './app.module';
import { loadAccessSettings } from './config/access.config';
import { GATEWAY } from './config/service';
import { BODY_LIMIT, LARGE_BODIES, protectHttp } from './http/protection';

const config = loadBaseConfigOrExit(GATEWAY.name);
const access = loadSettingsOrExit(GATEWAY.name, () => loadAccessSettings());
void bootstrapService(gatewayModule(config, access), GATEWAY, config, {
  bodyLimit: BODY_LIMIT,
  bodyLimits: LARGE_BODIES,
  configureHttp: (app) => protectHttp(app, access),
});
