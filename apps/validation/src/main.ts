import { bootstrapService, loadBaseConfigOrExit } from '@satupintu/platform';
import { validationModule } from './app.module';
import { VALIDATION } from './config/service';

const config = loadBaseConfigOrExit(VALIDATION.name);
void bootstrapService(validationModule(config), VALIDATION, config);
