// Lint: typescript-eslint's recommended rules (syntax-only, fast) plus the house's layering:
// arrows point down toward api/, and nothing imports what stands above it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A no-restricted-imports rule that forbids relative imports of the named top-level folders. */
const forbid = (...folders) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: folders.map((folder) => ({
        regex: `^(\\.\\./)+${folder}(/|$)`,
        message: `This layer must not import ${folder}/ (see STYLE.md: arrows point down toward api/).`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', '.venv*/**', 'files/**', 'app/public/vendor/**', '.bundle-cache/**', '.hed-lab-kit-*.staging/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  { files: ['output/**/*.ts'], rules: forbid('server', 'connector', 'warehouse', 'tester', 'app', 'contracts', 'bench') },
  { files: ['api/**/*.ts'], rules: forbid('server', 'connector', 'warehouse', 'tester', 'app', 'contracts', 'bench') },
  // A vertical is data: it may import api/ and nothing that reads it.
  { files: ['verticals/**/*.ts'], rules: forbid('server', 'connector', 'warehouse', 'tester', 'app', 'contracts', 'bench') },
  { files: ['connector/**/*.ts'], rules: forbid('server', 'tester', 'app', 'contracts', 'bench') },
  { files: ['warehouse/**/*.ts'], rules: forbid('server', 'connector', 'tester', 'app', 'contracts', 'bench') },
  { files: ['server/**/*.ts'], rules: forbid('connector', 'warehouse', 'tester', 'app', 'bench') },
  { files: ['app/**/*.ts'], rules: forbid('server', 'connector', 'tester', 'contracts', 'bench') },
  {
    files: ['app/public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', console: 'readonly', navigator: 'readonly', history: 'readonly', location: 'readonly', Blob: 'readonly', HTMLElement: 'readonly', Event: 'readonly', KeyboardEvent: 'readonly', vegaEmbed: 'readonly', requestAnimationFrame: 'readonly', AbortController: 'readonly', Intl: 'readonly' } },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.{js,mjs}', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
