/**
 * Runs a task every `intervalMs`, never two runs at once (a tick while one runs is skipped), and
 * lets shutdown wait for the run in progress. The timer does not keep the process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly task: () => Promise<unknown>) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.stopped) return;
      this.running ??= this.task().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** No new run starts; resolves when the one in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
