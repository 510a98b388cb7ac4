import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { GATEWAY } from './config/service';
import { DashboardController } from './dashboard/dashboard.controller';
import { EligibilityConsumer } from './eligibility/eligibility.consumer';
import { EligibilityController } from './eligibility/eligibility.controller';
import { EligibilityService } from './eligibility/eligibility.service';
import { CampaignsService } from './indicators/campaigns.service';
import { IndicatorsController } from './indicators/indicators.controller';
import { IndicatorsService } from './indicators/indicators.service';
import { RegionIndicatorsConsumer } from './indicators/region-indicators.consumer';
import { OpenApiController } from './openapi/openapi.controller';
import { RegionCountsConsumer } from './regions/region-counts.consumer';
import { RegionsController } from './regions/regions.controller';
import { RegionsService } from './regions/regions.service';
import { ReviewConsumer } from './review/review.consumer';
import { ReviewController } from './review/review.controller';
import { ReviewService } from './review/review.service';
import { SubmissionStatusConsumer } from './submissions/submission-status.consumer';
import { SubmissionsController } from './submissions/submissions.controller';
import { SubmissionsService } from './submissions/submissions.service';

export function gatewayModule(config: BaseConfig) {
  @Module({
    imports: [PlatformModule.forService(GATEWAY, config)],
    controllers: [OpenApiController, SubmissionsController, SubmissionStatusConsumer, RegionsController, RegionCountsConsumer, EligibilityController, EligibilityConsumer, ReviewController, ReviewConsumer, IndicatorsController, RegionIndicatorsConsumer, DashboardController],
    providers: [SubmissionsService, RegionsService, EligibilityService, ReviewService, IndicatorsService, CampaignsService],
  })
  class GatewayModule {}
  return GatewayModule;
}
