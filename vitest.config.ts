import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'sim', include: ['test/scenarios/**/*.test.ts', 'test/swarm/**/*.test.ts', 'test/oracle/**/*.test.ts', 'test/contract/sim*.test.ts', 'test/cli/**/*.test.ts', 'test/property/**/*.test.ts', 'test/corpus/**/*.test.ts', 'test/package/**/*.test.ts', 'test/tui/**/*.test.ts'] } },
      { extends: true, test: { name: 'docker', include: ['test/docker/**/*.test.ts', 'test/contract/docker*.test.ts'], fileParallelism: false, testTimeout: 300_000, hookTimeout: 600_000, retry: process.env.CI ? 1 : 0 } },
    ],
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'reports/junit.xml' },
  },
});
