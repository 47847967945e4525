import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3210);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Debian's Chromium renders WebGL (MapLibre) through SwiftShader; no network beyond loopback.
      args: [
        "--no-sandbox",
        "--enable-unsafe-swiftshader",
        "--use-angle=swiftshader",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    },
  },
  projects: [
    // The teardown runs once every project depending on setup is done: it sweeps the run's logs.
    { name: "setup", testMatch: /\.setup\.ts$/, teardown: "teardown" },
    { name: "teardown", testMatch: /\.teardown\.ts$/ },
    { name: "chromium", testMatch: /\.spec\.ts$/, dependencies: ["setup"] },
  ],
  webServer: {
    command: "tsx e2e/server.ts",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(port) },
  },
});
