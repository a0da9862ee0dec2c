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
      testPathIgnorePatterns: ["/test/e2e/", "/test/src/"],
    },
    {
      ...common,
      displayName: "ui",
      testMatch: ["<rootDir>/test/src/**/*.test.ts?(x)"],
      // @raycast/api has no runtime outside Raycast: every import of it (also @raycast/utils' own) gets the double.
      moduleNameMapper: { "^@raycast/api$": "<rootDir>/test/raycast/api.tsx" },
      // The @raycast/api double keeps its store on globalThis (one store across module registries). Jest
      // 30's default "soft" cleanup wraps such objects' properties after each file, and an event that
      // lands after the file then recurses in jest-util's setter.
      testEnvironmentOptions: { globalsCleanup: "off" },
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
