import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit, runCommand } from '@satupintu/platform';
import { eligibilityModule } from './app.module';
import { backfillCommand } from './backfill/backfill.command';
import { loadEligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';

const config = loadBaseConfigOrExit(ELIGIBILITY.name);
const settings = loadSettingsOrExit(ELIGIBILITY.name, () => loadEligibilitySettings());
if (process.argv[2] === 'backfill') {
  runCommand('backfill', backfillCommand(config, settings, process.argv.slice(3)));
} else {
  void bootstrapService(eligibilityModule(config, settings), ELIGIBILITY, config);
}
