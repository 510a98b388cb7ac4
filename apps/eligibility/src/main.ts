import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { eligibilityModule } from './app.module';
import { backfillCommand } from './backfill/backfill.command';
import { loadEligibilitySettings } from './config/eligibility.config';
import { ELIGIBILITY } from './config/service';

const config = loadBaseConfigOrExit(ELIGIBILITY.name);
const settings = loadSettingsOrExit(ELIGIBILITY.name, () => loadEligibilitySettings());
if (process.argv[2] === 'backfill') {
  backfillCommand(config, settings, process.argv.slice(3)).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (err) => {
      process.stderr.write(`backfill failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  void bootstrapService(eligibilityModule(config, settings), ELIGIBILITY, config);
}
