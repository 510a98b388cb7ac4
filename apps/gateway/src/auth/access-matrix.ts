/**
 * The authorisation matrix as documented in docs/security.md: the answer every role gets on every
 * endpoint, for a record or region inside its scope and for one outside it. The gateway does not
 * read this table (it enforces policy.ts); the matrix test checks the running gateway against it,
 * and a unit test checks that docs/security.md states the same.
 *
 *   ok         2xx with the data
 *   refused    202, the record refused on its own with OUT_OF_SCOPE (the rest of a batch goes on)
 *   forbidden  403 (FORBIDDEN: the role lacks the permission; OUT_OF_SCOPE: an aggregate of a region outside)
 *   hidden     404, or an empty search result: a record outside the scope is answered as if it did not exist
 *   -          not applicable (nothing lies outside a nationwide scope; campaigns are national)
 *
 * Without credentials every endpoint answers 401, except health, the OpenAPI document and the
 * dashboard's static files.
 */
export type Answer = 'ok' | 'refused' | 'forbidden' | 'hidden' | '-';
export const MATRIX_ROLES = ['cadre', 'supervisor', 'analyst', 'agency', 'admin', 'national admin'] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

export interface MatrixRow {
  id: string;
  endpoint: string;
  answers: Record<MatrixRole, readonly [inside: Answer, outside: Answer]>;
}

const row = (id: string, endpoint: string, cells: string): MatrixRow => {
  const pairs = cells.trim().split(/\s+/).map((c) => c.split('/') as [Answer, Answer]);
  if (pairs.length !== MATRIX_ROLES.length) throw new Error(`matrix row ${id} has ${pairs.length} cells`);
  return { id, endpoint, answers: Object.fromEntries(MATRIX_ROLES.map((r, i) => [r, pairs[i]])) as unknown as MatrixRow['answers'] };
};

//                                                                    cadre             supervisor       analyst          agency           admin            national admin
export const ACCESS_MATRIX: readonly MatrixRow[] = [
  row('submit', 'POST /v1/submissions', '                             ok/refused         forbidden/forbidden forbidden/forbidden forbidden/forbidden ok/refused ok/-'),
  row('submission-status', 'GET /v1/submissions/{id}', '                ok/hidden          ok/hidden        forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('import-create', 'POST /v1/imports', '                           forbidden/-        forbidden/-      forbidden/-      ok/-             ok/-      ok/-'),
  row('import-list', 'GET /v1/imports', '                            forbidden/-        forbidden/-      forbidden/-      ok/-             ok/-      ok/-'),
  row('import-read', 'GET /v1/imports/{id}, GET /v1/imports/{id}/rows', 'forbidden/- forbidden/- forbidden/- ok/-          ok/-      ok/-'),
  row('submission-list', 'GET /v1/submissions?region=', '                ok/forbidden       ok/forbidden     forbidden/forbidden forbidden/forbidden ok/forbidden ok/-'),
  row('submission-summary', 'GET /v1/submissions/summary?region=', '     ok/forbidden       ok/forbidden     forbidden/forbidden forbidden/forbidden ok/forbidden ok/-'),
  row('person-search', 'GET /v1/persons?nik=', '                        forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('family-search', 'GET /v1/families?kk=', '                        forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('family-read', 'GET /v1/families/{id}', '                         forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('person-eligibility', 'GET /v1/persons/{id}/eligibility', '       forbidden/forbidden ok/hidden    forbidden/forbidden ok/hidden        ok/hidden ok/-'),
  row('family-eligibility', 'GET /v1/families/{id}/eligibility', '      forbidden/forbidden ok/hidden    forbidden/forbidden ok/hidden        ok/hidden ok/-'),
  row('region-eligibility', 'GET /v1/regions/{code}/eligibility', '     forbidden/forbidden ok/forbidden ok/forbidden    ok/forbidden        ok/forbidden ok/-'),
  row('region-counts', 'GET /v1/regions/{code}/counts', '               forbidden/forbidden ok/forbidden ok/forbidden    forbidden/forbidden ok/forbidden ok/-'),
  row('region-indicators', 'GET /v1/regions/{code}/indicators', '       forbidden/forbidden ok/forbidden ok/forbidden    forbidden/forbidden ok/forbidden ok/-'),
  row('indicator-catalogue', 'GET /v1/indicators', '                    ok/-               ok/-             ok/-             ok/-             ok/-      ok/-'),
  row('campaigns', 'GET /v1/campaigns', '                               ok/-               ok/-             ok/-             forbidden/-      ok/-      ok/-'),
  row('campaign-progress', 'GET /v1/campaigns/{id}/progress?region=', 'ok/forbidden      ok/forbidden     ok/forbidden     forbidden/forbidden ok/forbidden ok/-'),
  row('campaign-define', 'PUT /v1/campaigns/{id}', '                    forbidden/-        forbidden/-      forbidden/-      forbidden/-      forbidden/- ok/-'),
  row('campaign-targets', 'PUT /v1/campaigns/{id}/targets', '           forbidden/-        forbidden/-      forbidden/-      forbidden/-      forbidden/- ok/-'),
  row('review-list', 'GET /v1/review-tasks?region=', '                  forbidden/forbidden ok/forbidden forbidden/forbidden forbidden/forbidden ok/forbidden ok/-'),
  row('review-summary', 'GET /v1/review-tasks/summary?region=', '        forbidden/forbidden ok/forbidden forbidden/forbidden forbidden/forbidden ok/forbidden ok/-'),
  row('review-read', 'GET /v1/review-tasks/{id}', '                     forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('review-decide', 'POST /v1/review-tasks/{id}/decision', '        forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('merge-read', 'GET /v1/merges/{id}', '                           forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('merge-unmerge', 'POST /v1/merges/{id}/unmerge', '               forbidden/forbidden ok/hidden    forbidden/forbidden forbidden/forbidden ok/hidden ok/-'),
  row('me', 'GET /v1/me', '                                            ok/-               ok/-             ok/-             ok/-             ok/-      ok/-'),
  row('principals', 'GET, POST, PATCH /v1/admin/principals...', '     forbidden/-        forbidden/-      forbidden/-      forbidden/-      ok/-      ok/-'),
  row('agency-grants', 'GET, PUT, DELETE /v1/admin/agencies/{id}/grant...', 'forbidden/- forbidden/- forbidden/- forbidden/- ok/- ok/-'),
  row('own-subscription', 'GET /v1/subscription', '                   forbidden/-        forbidden/-      forbidden/-      ok/-             hidden/-  hidden/-'),
  row('dci-senders', 'GET, PUT /v1/admin/dci/senders..., GET /v1/admin/dci/callbacks', 'forbidden/- forbidden/- forbidden/- forbidden/- ok/- ok/-'),
  row('audit', 'GET /v1/admin/audit', '                                forbidden/-        forbidden/-      forbidden/-      forbidden/-      ok/-      ok/-'),
];

/** The matrix as a Markdown table (the section of docs/security.md between the matrix markers). */
export function renderMatrix(): string {
  const head = `| Endpoint | ${MATRIX_ROLES.join(' | ')} |`;
  const rule = `|---|${MATRIX_ROLES.map(() => '---').join('|')}|`;
  const rows = ACCESS_MATRIX.map((r) => `| \`${r.endpoint}\` | ${MATRIX_ROLES.map((role) => r.answers[role].join(' / ')).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}
