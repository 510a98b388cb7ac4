import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiError, Public } from '@satupintu/platform';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** apps/gateway/public/dashboard, found from the sources or from the compiled tree under dist/. */
function publicDir(): string {
  const candidates = [join(__dirname, '..', '..', 'public', 'dashboard'), join(__dirname, '..', '..', '..', '..', '..', 'apps', 'gateway', 'public', 'dashboard')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

const TYPES: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };

/**
 * The family dashboard: a static page (Indonesian by default, English switch) that reads the public
 * indicator and campaign API, with Chart.js for its charts. Files are read once and served from memory.
 */
@Public()
@Controller('dashboard')
export class DashboardController {
  private readonly files = new Map<string, Buffer>();

  constructor() {
    const dir = publicDir();
    for (const name of Object.keys(TYPES)) this.files.set(name, readFileSync(join(dir, name)));
    this.files.set('chart.umd.min.js', readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js')));
  }

  @Get()
  @Header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
  index(@Res() res: Response) {
    res.type(TYPES['index.html']).send(this.files.get('index.html'));
  }

  @Get('vendor/chart.umd.min.js')
  @Header('cache-control', 'public, max-age=86400')
  chart(@Res() res: Response) {
    res.type('text/javascript; charset=utf-8').send(this.files.get('chart.umd.min.js'));
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response) {
    const body = TYPES[file] && file !== 'index.html' ? this.files.get(file) : undefined;
    if (!body) throw new ApiError(404, 'NOT_FOUND', 'no such dashboard file');
    res.type(TYPES[file]).send(body);
  }
}
