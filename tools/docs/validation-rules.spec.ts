import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderValidationRules } from './validation-rules';

describe('docs/validation-rules.md', () => {
  it('is the rendering of the rule catalogue (run `npm run docs:rules` after changing a rule)', () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', 'docs', 'validation-rules.md'), 'utf8');
    expect(onDisk).toBe(renderValidationRules());
  });
});
