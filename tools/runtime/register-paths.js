// Resolves the @satupintu/* path aliases of tsconfig.base.json to the compiled files under dist/.
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');
const base = require('../../tsconfig.base.json');

tsConfigPaths.register({
  baseUrl: path.join(__dirname, '..', '..', 'dist'),
  paths: base.compilerOptions.paths,
});
