import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { dedupModule } from './app.module';
import { loadMatchSettings } from './config/dedup.config';
import { DEDUP } from './config/service';

const config = loadBaseConfigOrExit(DEDUP.name);
const settings = loadSettingsOrExit(DEDUP.name, () => loadMatchSettings());
void bootstrapService(dedupModule(config, settings), DEDUP, config);
