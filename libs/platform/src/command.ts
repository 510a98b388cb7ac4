/**
 * A service's one-off command (`node main.js <command> ...`, e.g. reconcile, backfill, retention):
 * its report as JSON on stdout; a failure's message on stderr and exit status 1.
 */
export function runCommand(name: string, work: Promise<unknown>): void {
  work.then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (err) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
