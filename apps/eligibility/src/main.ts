import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { eligibilityModule } from './app.module';
import { ELIGIBILITY } from './config/service';

const config = loadBaseConfigOrExit(ELIGIBILITY.name);
void bootstrapService(eligibilityModule(config), ELIGIBILITY, config);
