import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { aggregationModule } from './app.module';
import { AGGREGATION } from './config/service';

const config = loadBaseConfigOrExit(AGGREGATION.name);
void bootstrapService(aggregationModule(config), AGGREGATION, config);
