// Lint rules, including the module boundaries between apps and libs (tags in each project.json).
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const APP_LIBS = ['type:contracts', 'type:domain', 'type:util', 'type:infra', 'type:runtime'];
const SCOPES = ['gateway', 'validation', 'dedup', 'aggregation', 'eligibility', 'subscriptions'];

/** Which kind of project may import which. `testing` adds what test files may import. */
function depConstraints(testing) {
  const forTests = testing ? ['type:testing', 'type:synthetic'] : [];
  return [
    // Event contracts depend on nothing but themselves.
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
    // Pure domain logic: contracts and itself, never I/O libraries.
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
    { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra', ...forTests] },
    { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra'] },
    { sourceTag: 'type:synthetic', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...APP_LIBS, 'type:testing', 'type:synthetic'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...APP_LIBS, ...forTests] },
    // Tools include the benchmarks, which run services on the test stack harness (libs/testing).
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...APP_LIBS, 'type:synthetic', 'type:testing'] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...APP_LIBS, 'type:testing', 'type:synthetic'] },
    // A service's code is its own: no app imports another app.
    ...SCOPES.map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'] })),
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared'] },
  ];
}

const boundaries = (testing) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(testing) },
];

module.exports = [
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', 'artifacts/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
      '@nx/enforce-module-boundaries': boundaries(false),
    },
  },
  {
    // Tests and command-line tools may print.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Test files may also use the test harness and the synthetic data generator.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(true) },
  },
];
