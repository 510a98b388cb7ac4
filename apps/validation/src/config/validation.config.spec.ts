import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadValidationSettings } from './validation.config';

describe('validation settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rule-set-'));
  const file = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };

  it('uses the built-in rule set by default', () => {
    expect(loadValidationSettings({}).ruleSet.version).toBe('2026.11.1');
  });

  it('reads a rule-set file', () => {
    const s = loadValidationSettings({ VALIDATION_RULE_SET: file('ok.json', { version: 'jkt-1', rules: { NIK_SEX_MISMATCH: { severity: 'error' } } }) });
    expect(s.ruleSet.version).toBe('jkt-1');
    expect(s.ruleSet.severity('NIK_SEX_MISMATCH')).toBe('error');
  });

  it.each([
    ['an unknown rule', { version: 'x', rules: { NOPE: {} } }, /unknown rule NOPE/],
    ['a wrong severity', { version: 'x', rules: { NIK_SEX_MISMATCH: { severity: 'fatal' } } }, /severity/],
  ])('refuses %s', (_n, body, message) => {
    expect(() => loadValidationSettings({ VALIDATION_RULE_SET: file('bad.json', body) })).toThrow(message);
  });

  it('refuses an unknown time zone', () => {
    expect(() => loadValidationSettings({ VALIDATION_TIME_ZONE: 'Asia/Nowhere' })).toThrow();
  });
});
