import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { eligibilityModule } from './app.module';
import { loadEligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';

const config = loadBaseConfigOrExit(ELIGIBILITY.name);
const settings = loadSettingsOrExit(ELIGIBILITY.name, () => loadEligibilitySettings());
void bootstrapService(eligibilityModule(config, settings), ELIGIBILITY, config);
