import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { todayIn } from '@satupintu/domain';
import { describeError } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, LOGGER } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { ELIGIBILITY_SETTINGS, type EligibilitySettings } from '../config/eligibility.config';
import { ProgrammeCatalog } from '../programmes/programme-catalog';
import { runBackfill } from './backfill.use-case';

/** A claimed run not finished after this long is taken to have died with its instance. */
const STALE_AFTER_MINUTES = 60;

/**
 * Ages and effective dates move with the calendar, not with registry changes: once a day (in the
 * configured time zone) one instance re-evaluates the whole registry with the programmes in force,
 * publishing only decisions that change (someone turned 60 today). The day is claimed in
 * `eligibility.daily_runs`, so among N instances exactly one runs it; an instance that stops
 * mid-run gives the day back, and a run whose instance died is taken over after an hour.
 */
@Injectable()
export class DailyReevaluation implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopping = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(ProgrammeCatalog) private readonly catalog: ProgrammeCatalog,
    @Inject(ELIGIBILITY_SETTINGS) private readonly settings: EligibilitySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.dailyReevaluation) return;
    const tick = () => {
      if (this.running || this.stopping) return;
      this.running = this.runIfDue().finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, this.settings.reevaluationCheckSeconds * 1000);
    this.timer.unref();
    tick();
  }

  /** Before the database closes: the current chunk finishes and commits, the day is given back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs today's re-evaluation when no other instance has (or is); returns whether it ran. */
  async runIfDue(): Promise<boolean> {
    const today = todayIn(this.settings.timeZone);
    try {
      const claimed: Array<{ evaluated_on: string }> = await this.db.query(
        `insert into eligibility.daily_runs (evaluated_on, started_at) values ($1, now())
         on conflict (evaluated_on) do update set started_at = now()
           where eligibility.daily_runs.finished_at is null and eligibility.daily_runs.started_at < now() - make_interval(mins => $2)
         returning evaluated_on`,
        [today, STALE_AFTER_MINUTES],
      );
      if (claimed.length === 0) return false;
      this.logger.info({ evaluatedOn: today }, 'daily eligibility re-evaluation started');
      const report = await runBackfill(this.db, this.catalog, { programmes: [], dryRun: false, timeZone: this.settings.timeZone, shouldStop: () => this.stopping, protector: this.protector });
      if (report.stopped) {
        await this.db.query('delete from eligibility.daily_runs where evaluated_on = $1 and finished_at is null', [today]);
        this.logger.info({ evaluatedOn: today, families: report.families }, 'daily eligibility re-evaluation interrupted; the day is given back');
        return false;
      }
      await this.db.query('update eligibility.daily_runs set finished_at = now(), report = $2 where evaluated_on = $1', [today, JSON.stringify(report)]);
      this.logger.info({ evaluatedOn: today, families: report.families, changes: report.changes, seconds: report.seconds }, 'daily eligibility re-evaluation finished');
      return true;
    } catch (err) {
      // The day stays claimed and is taken over after STALE_AFTER_MINUTES (by this or another instance).
      this.logger.error({ err: describeError(err) }, 'daily eligibility re-evaluation failed');
      return false;
    }
  }
}
