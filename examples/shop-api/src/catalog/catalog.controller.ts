import { Controller, Get, Header } from '@nestjs/common';

/** Reference data that changes with a release, not with a request. */
@Controller('catalog')
export class CatalogController {
  @Get('currencies')
  @Header('Cache-Control', 'public, max-age=3600')
  currencies() {
    return ['EUR', 'USD', 'GBP'];
  }
}
