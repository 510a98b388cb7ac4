import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { gatewayModule } from './app.module';
import { loadAccessSettings } from './config/access.config';
import { GATEWAY } from './config/service';
import { BODY_LIMIT, LARGE_BODIES, protectHttp } from './http/protection';
import { retentionCommand } from './retention/retention.command';

const config = loadBaseConfigOrExit(GATEWAY.name);
if (process.argv[2] === 'retention') {
  retentionCommand(config, process.argv.slice(3)).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (err) => {
      process.stderr.write(`retention failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  const access = loadSettingsOrExit(GATEWAY.name, () => loadAccessSettings());
  void bootstrapService(gatewayModule(config, access), GATEWAY, config, {
    bodyLimit: BODY_LIMIT,
    bodyLimits: LARGE_BODIES,
    configureHttp: (app) => protectHttp(app, access),
  });
}
