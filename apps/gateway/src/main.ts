import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { gatewayModule } from './app.module';
import { GATEWAY } from './config/service';

const config = loadBaseConfigOrExit(GATEWAY.name);
void bootstrapService(gatewayModule(config), GATEWAY, config, { bodyLimit: '5mb' });
