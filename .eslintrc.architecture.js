// The import rules of docs/architecture.md, checked by `npm test` (see
// .ci/test.sh): `yarn lint:architecture`. Only these rules; style is
// `yarn lint`'s business.
const backend = 'plugins/previews-backend/src';
const folders = [
  'access',
  'actions',
  'config',
  'cost',
  'database',
  'dependencies',
  'engines',
  'events',
  'integrations',
  'lifecycle',
  'naming',
  'permissions',
  'scaffolder',
  'scm',
  'seed',
  'service',
  'signals',
  'smoke',
  'spec',
  'timeline',
];
const inBackend = names => names.map(name => `${backend}/${name}`);
const except = (...names) => folders.filter(f => !names.includes(f));

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: {
    ecmaVersion: 2022,
    sourceType: 'module',
    ecmaFeatures: { jsx: true },
  },
  plugins: ['import'],
  settings: {
    'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
  },
  ignorePatterns: [
    '**/*.test.ts',
    '**/*.test.tsx',
    '**/__testUtils__/**',
    '**/node_modules/**',
    '**/dist/**',
  ],
  rules: {
    'import/no-restricted-paths': [
      'error',
      {
        zones: [
          {
            target: `${backend}/database`,
            from: inBackend(except('database')),
            message:
              'The database layer imports no feature folder: row types and mappers live in database/tables.ts.',
          },
          {
            target: `${backend}/engines`,
            from: inBackend(except('engines', 'spec', 'naming', 'config')),
            message:
              'Engines implement PreviewEngine (previews-node) and use only spec/, naming/, config/ and engines/shared/.',
          },
          {
            target: inBackend(['engines/shared', 'engines/argocd']),
            from: `${backend}/engines/kubernetes`,
            message:
              'Engines share code through engines/shared/, not through each other.',
          },
          {
            target: inBackend(['engines/shared', 'engines/kubernetes']),
            from: `${backend}/engines/argocd`,
            message:
              'Engines share code through engines/shared/, not through each other.',
          },
          {
            target: inBackend(except('engines')),
            from: inBackend(['engines/kubernetes', 'engines/argocd']),
            message:
              'What is particular to an engine stays inside it: add an optional PreviewEngine member instead.',
          },
          {
            target: inBackend(except('service', 'scm', 'integrations')),
            from: `${backend}/service`,
            message:
              'The use cases sit above the feature folders: hand a feature what it needs as an interface.',
          },
          {
            target: [
              'plugins/previews-common/src',
              'plugins/previews-node/src',
            ],
            from: ['plugins/previews-backend', 'plugins/previews'],
            message: 'The libraries import no plugin.',
          },
          {
            target: 'plugins/previews/src',
            from: ['plugins/previews-backend', 'plugins/previews-node'],
            message:
              'The frontend talks to the backend over HTTP only, with the types of previews-common.',
          },
        ],
      },
    ],
  },
};
