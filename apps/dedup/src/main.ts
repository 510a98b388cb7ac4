import { bootstrapService, DATA_SOURCE, loadBaseConfigOrExit, loadProtectorOrExit, loadSettingsOrExit, LOGGER, protectValuesInClear, rotateCommand, runCommand } from '@satupintu/platform';
import { dedupModule } from './app.module';
import { loadMatchSettings } from './config/dedup.config';
import { DEDUP } from './config/service';
import { benchMatchingCommand, reindexCommand, rotateRegistryAndIndex } from './matching/matching.commands';
import { REGISTRY_IN_CLEAR, rotateRegistry } from './protection/registry-rotation';

const config = loadBaseConfigOrExit(DEDUP.name);
const settings = loadSettingsOrExit(DEDUP.name, () => loadMatchSettings());
const command = process.argv[2];
const protector = loadProtectorOrExit(DEDUP.name);

if (command === 'reindex') runCommand(command, reindexCommand(config, settings, protector));
else if (command === 'rotate') runCommand(command, rotateCommand(DEDUP, config, protector, process.argv.slice(3), rotateRegistryAndIndex(config, settings)));
else if (command === 'bench-matching') runCommand(command, benchMatchingCommand(config, settings, protector, process.argv[3], Number(process.argv[4] ?? 500)));
else {
  void bootstrapService(dedupModule(config, settings, protector), DEDUP, config, {
    beforeStart: (app) => protectValuesInClear(app.get(DATA_SOURCE), protector, app.get(LOGGER), REGISTRY_IN_CLEAR, rotateRegistry),
  });
}
