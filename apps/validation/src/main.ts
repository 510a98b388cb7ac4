import { createLogger } from '@satupintu/observability';
import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { validationModule } from './app.module';
import { VALIDATION } from './config/service';
import { loadValidationSettings, type ValidationSettings } from './config/validation.config';

const config = loadBaseConfigOrExit(VALIDATION.name);
let settings: ValidationSettings;
try {
  settings = loadValidationSettings();
} catch (err) {
  createLogger(VALIDATION.name).fatal(err instanceof Error ? err.message : String(err));
  process.exit(78);
}
void bootstrapService(validationModule(config, settings), VALIDATION, config);
