import { Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@satupintu/platform';
import { GATEWAY } from './config/service';
import { EligibilityConsumer } from './eligibility/eligibility.consumer';
import { EligibilityController } from './eligibility/eligibility.controller';
import { EligibilityService } from './eligibility/eligibility.service';
import { OpenApiController } from './openapi/openapi.controller';
import { RegionCountsConsumer } from './regions/region-counts.consumer';
import { RegionsController } from './regions/regions.controller';
import { RegionsService } from './regions/regions.service';
import { SubmissionStatusConsumer } from './submissions/submission-status.consumer';
import { SubmissionsController } from './submissions/submissions.controller';
import { SubmissionsService } from './submissions/submissions.service';

export function gatewayModule(config: BaseConfig) {
  @Module({
    imports: [PlatformModule.forService(GATEWAY, config)],
    controllers: [OpenApiController, SubmissionsController, SubmissionStatusConsumer, RegionsController, RegionCountsConsumer, EligibilityController, EligibilityConsumer],
    providers: [SubmissionsService, RegionsService, EligibilityService],
  })
  class GatewayModule {}
  return GatewayModule;
}
