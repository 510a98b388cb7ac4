import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderIndicatorCatalogue } from './indicator-catalogue';

describe('docs/indicators.md', () => {
  it('is the rendering of the indicator catalogue (run `npm run docs:indicators` after changing an indicator)', () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', 'docs', 'indicators.md'), 'utf8');
    expect(onDisk).toBe(renderIndicatorCatalogue());
  });
});
