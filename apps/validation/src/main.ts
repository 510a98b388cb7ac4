import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { validationModule } from './app.module';
import { loadValidationSettings } from './config/validation.config';
import { VALIDATION } from './config/service';

const config = loadBaseConfigOrExit(VALIDATION.name);
const settings = loadSettingsOrExit(VALIDATION.name, () => loadValidationSettings());
void bootstrapService(validationModule(config, settings), VALIDATION, config);
