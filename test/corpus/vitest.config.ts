// Runs the corpus agreement suite on its own:
//   KEEPALIVED_CORPUS=/path/to/corpus npx vitest run -c test/corpus/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/corpus/**/*.test.ts'], root: '.' } });
