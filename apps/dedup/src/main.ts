import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit, runCommand } from '@satupintu/platform';
import { PlainText } from '@satupintu/protection';
import { dedupModule } from './app.module';
import { loadMatchSettings, loadProtector } from './config/dedup.config';
import { DEDUP } from './config/service';
import { benchMatchingCommand, reindexCommand } from './matching/matching.commands';
import { rotateCommand } from './protection/rotate.command';

const config = loadBaseConfigOrExit(DEDUP.name);
const settings = loadSettingsOrExit(DEDUP.name, () => loadMatchSettings());
const command = process.argv[2];
// Migrations move no protected value: the migration Job runs without the keyring.
const migrateOnly = process.argv.includes('--migrate-only');
const protector = migrateOnly ? new PlainText() : loadSettingsOrExit(DEDUP.name, () => loadProtector());

if (command === 'reindex') runCommand(command, reindexCommand(config, settings, protector));
else if (command === 'rotate') runCommand(command, rotateCommand(config, protector, process.argv.slice(3)));
else if (command === 'bench-matching') runCommand(command, benchMatchingCommand(config, settings, protector, process.argv[3], Number(process.argv[4] ?? 500)));
else void bootstrapService(dedupModule(config, settings, protector), DEDUP, config);
