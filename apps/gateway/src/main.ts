import { bootstrapService, DATA_SOURCE, loadBaseConfigOrExit, loadProtectorOrExit, loadSettingsOrExit, LOGGER, protectValuesInClear, rotateCommand, runCommand } from '@satupintu/platform';
import { gatewayModule } from './app.module';
import { loadAccessSettings } from './config/access.config';
import { GATEWAY } from './config/service';
import { BODY_LIMIT, LARGE_BODIES, protectHttp } from './http/protection';
import { GATEWAY_IN_CLEAR, rotateGateway } from './protection/gateway-protection';
import { retentionCommand } from './retention/retention.command';

const config = loadBaseConfigOrExit(GATEWAY.name);
const protector = loadProtectorOrExit(GATEWAY.name);
if (process.argv[2] === 'retention') {
  runCommand('retention', retentionCommand(config, process.argv.slice(3)));
} else if (process.argv[2] === 'rotate') {
  runCommand('rotate', rotateCommand(GATEWAY, config, protector, process.argv.slice(3), rotateGateway));
} else {
  const access = loadSettingsOrExit(GATEWAY.name, () => loadAccessSettings());
  void bootstrapService(gatewayModule(config, access, protector), GATEWAY, config, {
    bodyLimit: BODY_LIMIT,
    bodyLimits: LARGE_BODIES,
    configureHttp: (app) => protectHttp(app, access),
    beforeStart: (app) => protectValuesInClear(app.get(DATA_SOURCE), protector, app.get(LOGGER), GATEWAY_IN_CLEAR, rotateGateway),
  });
}
