import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // expect.extend with vrrp-lab's matchers (toHaveMaster, toFailOverWithin, …) and their types.
    setupFiles: ['vrrp-lab/vitest'],
    globalSetup: ['./global-setup.ts'],
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'reports/vitest.xml' },
  },
});
