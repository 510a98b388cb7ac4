import { createLogger } from '@satupintu/observability';
import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { eligibilityModule } from './app.module';
import { loadEligibilitySettings, type EligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';

const config = loadBaseConfigOrExit(ELIGIBILITY.name);
let settings: EligibilitySettings;
try {
  settings = loadEligibilitySettings();
} catch (err) {
  createLogger(ELIGIBILITY.name).fatal(err instanceof Error ? err.message : String(err));
  process.exit(78);
}
void bootstrapService(eligibilityModule(config, settings), ELIGIBILITY, config);
