// Bundles the helper's CLI into one ESM file for `bin: sshmount`; dependencies stay in node_modules.
import { chmod } from "node:fs/promises";
import { build } from "esbuild";

await build({
  entryPoints: ["helper/bin.ts"],
  outfile: "bin/sshmount.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
await chmod("bin/sshmount.mjs", 0o755);
