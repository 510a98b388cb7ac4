import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit, runCommand } from '@satupintu/platform';
import { dedupModule } from './app.module';
import { loadMatchSettings } from './config/dedup.config';
import { DEDUP } from './config/service';
import { benchMatchingCommand, reindexCommand } from './matching/matching.commands';

const config = loadBaseConfigOrExit(DEDUP.name);
const settings = loadSettingsOrExit(DEDUP.name, () => loadMatchSettings());
const command = process.argv[2];

if (command === 'reindex') runCommand(command, reindexCommand(config, settings));
else if (command === 'bench-matching') runCommand(command, benchMatchingCommand(config, settings, process.argv[3], Number(process.argv[4] ?? 500)));
else void bootstrapService(dedupModule(config, settings), DEDUP, config);
