import { defineConfig } from "eslint/config";
import raycastConfig from "@raycast/eslint-config";

export default defineConfig([
  { ignores: ["node_modules/", "bin/sshmount.mjs", "dist/", "coverage/", "raycast-env.d.ts"] },
  ...raycastConfig,
]);
