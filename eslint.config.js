const { defineConfig } = require("eslint/config");
const raycastConfig = require("@raycast/eslint-config");

module.exports = defineConfig([
  { ignores: ["node_modules/", "bin/sshmount.mjs", "dist/", "coverage/", "raycast-env.d.ts"] },
  ...raycastConfig,
]);
