// Lint keeps the architecture honest: engines are pure (no I/O, no clock, no
// randomness but the seeded one), and imports only flow downward.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureEngines = ['src/core/**/*.ts', 'src/config/**/*.ts', 'src/vrrp/**/*.ts', 'src/ipvs/**/*.ts', 'src/fencing/**/*.ts', 'src/check/**/*.ts'];

const leafPatterns = [
  { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'dgram', 'dockerode', 'testcontainers', 'ink', 'react', 'raw-socket'], message: 'leaves are sans-I/O' },
  { group: ['**/vrrp/**', '**/ipvs/**', '**/fencing/**', '**/config/**', '**/sim/**', '**/scenario/**', '**/runtime/**', '**/docker/**', '**/cli/**', '**/tui/**', '**/spec/**', '**/lab/**'], message: 'a leaf imports core/ only' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: pureEngines.filter((g) => g !== 'src/config/**/*.ts'),
    ignores: ['**/*.test.ts', '**/*.test-utils.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'dgram'], message: 'engines are sans-I/O: take inputs, return outputs' },
        { group: ['**/runtime/**', '**/docker/**', '**/sim/**', '**/scenario/**', '**/cli/**', '**/tui/**'], message: 'imports flow downward: engines import core/ only' },
        { group: ['dockerode', 'testcontainers', 'ink', 'react', 'raw-socket'], message: 'engines are sans-I/O' },
      ] }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'Date', 'performance', 'process'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded Rng from core/rng.ts' }],
    },
  },
  {
    // Leaves every layer may read: RFC 3768's arithmetic, and the checkers (which see only core's Observations).
    files: ['src/vrrp/rfc3768.ts', 'src/check/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-utils.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: leafPatterns }] },
  },
  {
    files: ['src/vrrp/rfc3768.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...leafPatterns, { group: ['./*'], message: 'rfc3768.ts is a leaf: the rest of the engine imports it, never the reverse' }] }] },
  },
  {
    // The config layer reads files only through its own loader (src/config/fs-loader.ts).
    files: ['src/config/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-utils.ts', 'src/config/fs-loader.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'parse from text; file access lives in fs-loader.ts' },
        // RFC 3768's constants and arithmetic (src/vrrp/rfc3768.ts, a leaf) are the one part of an engine the validator reads.
        { group: ['**/runtime/**', '**/docker/**', '**/sim/**', '**/scenario/**', '**/cli/**', '**/tui/**', '**/vrrp/**', '!**/vrrp/rfc3768.js', '**/ipvs/**', '**/fencing/**'], message: 'imports flow downward' },
      ] }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'Date', 'performance', 'process'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random' }],
    },
  },
  {
    files: ['src/sim/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/sim/pcap-file.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/runtime/**', '**/docker/**', '**/cli/**', '**/tui/**'], message: 'imports flow downward' },
      ] }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'Date', 'performance'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded Rng' }],
    },
  },
);
