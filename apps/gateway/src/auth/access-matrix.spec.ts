import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_MATRIX, MATRIX_ROLES, renderMatrix } from './access-matrix';
import { allows, PERMISSIONS, ROLES } from './policy';

const DOC = join(__dirname, '..', '..', '..', '..', 'docs', 'security.md');
const START = '<!-- matrix:start -->';
const END = '<!-- matrix:end -->';

describe('docs/security.md', () => {
  it('states the authorisation matrix the tests check (UPDATE_DOCS=1 rewrites it)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const [before, rest] = doc.split(START);
    const after = rest.split(END)[1];
    const expected = `${before}${START}\n${renderMatrix()}\n${END}${after}`;
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
    expect(doc).toBe(expected);
  });
});

describe('the matrix and the policy', () => {
  it('gives every role an answer inside and outside on every row', () => {
    for (const row of ACCESS_MATRIX) for (const role of MATRIX_ROLES) expect(row.answers[role]).toHaveLength(2);
  });

  it('never lets a role reach outside its regions', () => {
    for (const row of ACCESS_MATRIX) for (const role of MATRIX_ROLES) expect(row.answers[role][1]).not.toBe('ok');
  });

  it('gives admin every permission, and every permission to at least one role besides admin or to admin alone by design', () => {
    for (const p of Object.keys(PERMISSIONS) as Array<keyof typeof PERMISSIONS>) expect(allows('admin', p)).toBe(true);
    expect(ROLES.filter((r) => allows(r, 'principal:manage'))).toEqual(['admin']);
    expect(ROLES.filter((r) => allows(r, 'registry:read'))).toEqual(['supervisor', 'admin']);
  });
});
