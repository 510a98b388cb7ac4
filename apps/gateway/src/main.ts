import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit, runCommand } from '@satupintu/platform';
import { gatewayModule } from './app.module';
import { loadAccessSettings } from './config/access.config';
import { GATEWAY } from './config/service';
import { BODY_LIMIT, LARGE_BODIES, protectHttp } from './http/protection';
import { retentionCommand } from './retention/retention.command';

const config = loadBaseConfigOrExit(GATEWAY.name);
if (process.argv[2] === 'retention') {
  runCommand('retention', retentionCommand(config, process.argv.slice(3)));
} else {
  const access = loadSettingsOrExit(GATEWAY.name, () => loadAccessSettings());
  void bootstrapService(gatewayModule(config, access), GATEWAY, config, {
    bodyLimit: BODY_LIMIT,
    bodyLimits: LARGE_BODIES,
    configureHttp: (app) => protectHttp(app, access),
  });
}
