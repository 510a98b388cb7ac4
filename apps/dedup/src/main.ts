import { bootstrapService, loadBaseConfigOrExit, loadSettingsOrExit } from '@satupintu/platform';
import { dedupModule } from './app.module';
import { loadMatchSettings } from './config/dedup.config';
import { DEDUP } from './config/service';
import { benchMatchingCommand, reindexCommand } from './matching/matching.commands';

const config = loadBaseConfigOrExit(DEDUP.name);
const settings = loadSettingsOrExit(DEDUP.name, () => loadMatchSettings());
const command = process.argv[2];

function report(work: Promise<unknown>): void {
  work.then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err) => {
      process.stderr.write(`${command} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

if (command === 'reindex') report(reindexCommand(config, settings));
else if (command === 'bench-matching') report(benchMatchingCommand(config, settings, process.argv[3], Number(process.argv[4] ?? 500)));
else void bootstrapService(dedupModule(config, settings), DEDUP, config);
