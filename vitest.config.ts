import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run two at a time, each in its own fresh database.
    pool: "forks",
    maxWorkers: 2,
    // Downloads name a test account and are polled quickly (lib/sync/test-support.ts alaEnv for child processes).
    env: { NODE_ENV: "test", ALA_DOWNLOAD_EMAIL: "edgar-tests@example.org", SYNC_DOWNLOAD_POLL_MS: "20" },
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["lib/**/*.test.ts", "workers/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          environment: "node",
        },
      },
      // React components in a DOM (jsdom), through Testing Library; they need no database.
      {
        extends: true,
        test: {
          name: "components",
          include: ["components/**/*.test.tsx"],
          setupFiles: ["test/components-setup.ts"],
          environment: "jsdom",
        },
      },
    ],
  },
});
