import { Controller, Get } from '@nestjs/common';
import { Public } from '@satupintu/platform';
import { openApiDocument } from './openapi.document';

@Public()
@Controller('v1')
export class OpenApiController {
  private readonly document = openApiDocument();

  @Get('openapi.json')
  openapi() {
    return this.document;
  }
}
