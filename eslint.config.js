// Lint rules, including the layering rule: renderer and contract never touch Node, Electron or the core; only main/app imports Electron.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: 'Only main/app (and preload) may import electron.' };
const coreImports = {
  group: ['**/core', '**/core/**', '**/main/core/**'],
  message: 'The renderer and the contract never import the studio core; go through the contract.',
};
const nodeOnlyPackages = ['better-sqlite3', 'onnxruntime-node', 'secp256k1', 'secp256k1/*', 'ws', '@ffmpeg-installer/*', '@ffprobe-installer/*', 'espeak-ng', 'tsx', 'tsx/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-artifacts/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/refs': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'Runs in the browser: no Node built-ins here.' }))],
          patterns: [coreImports, { group: nodeOnlyPackages, message: 'Node-only package: not available in the renderer.' }],
        },
      ],
    },
  },
  {
    files: ['main/core/**/*.ts', 'main/bridge/**/*.ts', 'main/cli.ts', 'main/cli/**/*.ts', 'models/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
);
