import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { dedupModule } from './app.module';
import { DEDUP } from './config/service';

const config = loadBaseConfigOrExit(DEDUP.name);
void bootstrapService(dedupModule(config), DEDUP, config);
