import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from '@satupintu/observability';
import { LOGGER, PlatformModule, REDIS, type BaseConfig } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type Redis from 'ioredis';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditService } from './audit/audit.service';
import { AccessGuard } from './auth/access.guard';
import { AdminController, MeController } from './auth/admin.controller';
import { PrincipalsService } from './auth/principals.service';
import { RateLimits } from './auth/rate-limits';
import { ACCESS_SETTINGS, type AccessSettings } from './config/access.config';
import { GATEWAY } from './config/service';
import { DashboardController } from './dashboard/dashboard.controller';
import { DciController } from './dci/dci.controller';
import { DciCallbacks } from './dci/callbacks';
import { DciService } from './dci/dci.service';
import { DciNotifier } from './dci/notifier';
import { DciSigner } from './dci/signer';
import { EligibilityConsumer } from './eligibility/eligibility.consumer';
import { EligibilityController } from './eligibility/eligibility.controller';
import { EligibilityService } from './eligibility/eligibility.service';
import { CampaignsService } from './indicators/campaigns.service';
import { IndicatorsController } from './indicators/indicators.controller';
import { IndicatorsService } from './indicators/indicators.service';
import { ImportRunner } from './imports/import-runner';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { RegionIndicatorsConsumer } from './indicators/region-indicators.consumer';
import { OpenApiController } from './openapi/openapi.controller';
import { RegionCountsConsumer } from './regions/region-counts.consumer';
import { RegionsController } from './regions/regions.controller';
import { RegionsService } from './regions/regions.service';
import { RegistryConsumer } from './registry/registry.consumer';
import { DataSubjectsController } from './data-subjects/data-subjects.controller';
import { DataSubjectsService } from './data-subjects/data-subjects.service';
import { RegistryReadModel } from './registry/read-model';
import { RegistryController } from './registry/registry.controller';
import { RegistryService } from './registry/registry.service';
import { ReviewConsumer } from './review/review.consumer';
import { ReviewController } from './review/review.controller';
import { ReviewService } from './review/review.service';
import { SubmissionStatusConsumer } from './submissions/submission-status.consumer';
import { SubmissionsController } from './submissions/submissions.controller';
import { SubmissionsService } from './submissions/submissions.service';
import { GrantsService } from './subscriptions/grants.service';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { WebhookStatusConsumer } from './subscriptions/webhook-status.consumer';

export function gatewayModule(config: BaseConfig, access: AccessSettings, protector: Protector) {
  @Module({
    imports: [PlatformModule.forService(GATEWAY, config)],
    controllers: [
      OpenApiController, DashboardController, AdminController, MeController,
      SubmissionsController, SubmissionStatusConsumer, RegionsController, RegionCountsConsumer, EligibilityController, EligibilityConsumer,
      ReviewController, ReviewConsumer, IndicatorsController, RegionIndicatorsConsumer, RegistryController, RegistryConsumer, DataSubjectsController,
      SubscriptionsController, WebhookStatusConsumer, ImportsController, DciController,
    ],
    providers: [
      { provide: ACCESS_SETTINGS, useValue: access },
      { provide: PROTECTOR, useValue: protector },
      { provide: RegistryReadModel, useValue: new RegistryReadModel(protector) },
      {
        provide: RateLimits,
        inject: [REDIS, LOGGER],
        useFactory: (redis: Redis, logger: Logger) =>
          new RateLimits(redis, config.KAFKA_TOPIC_PREFIX, { ip: access.rateLimits.perIp, principal: access.rateLimits.perPrincipal, 'auth-failure': access.rateLimits.authFailuresPerIp }, logger),
      },
      AuditService, PrincipalsService,
      { provide: APP_GUARD, useClass: AccessGuard },
      { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      SubmissionsService, RegionsService, EligibilityService, ReviewService, IndicatorsService, CampaignsService, RegistryService, DataSubjectsService, GrantsService, ImportsService, ImportRunner, DciSigner, DciCallbacks, DciNotifier, DciService,
    ],
  })
  class GatewayModule {}
  return GatewayModule;
}
