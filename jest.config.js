/** Jest runs the TypeScript sources as ES modules, because execa (like much of the ecosystem) is ESM-only. */
const common = {
  extensionsToTreatAsEsm: [".ts", ".tsx"],
  transform: { "^.+\\.tsx?$": ["ts-jest", { useESM: true }] },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  testEnvironment: "node",
};

module.exports = {
  reporters: ["default", "<rootDir>/test/summary-reporter.cjs"],
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/test/**/*.test.ts?(x)"],
      testPathIgnorePatterns: ["/test/e2e/"],
    },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
      globalSetup: "<rootDir>/test/e2e/global-setup.mjs",
      testTimeout: 240000,
    },
  ],
};
