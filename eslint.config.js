import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Bosun's roles and playbooks are written as a user writes theirs: with the public entry points only.
    files: ['roles/**/*.ts', 'playbooks/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+lib/(?!index\\.js$|resources/index\\.js$)',
              message:
                "Import from the public entry points: lib/index.js ('bosun') or lib/resources/index.js ('bosun/resources').",
            },
          ],
        },
      ],
    },
  },
);
