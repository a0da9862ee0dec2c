// Bundles the helper's CLI into one ESM file for `bin: sshmount`; dependencies stay in node_modules.
import { chmod, readFile } from "node:fs/promises";
import { build } from "esbuild";

const { version } = JSON.parse(await readFile("package.json", "utf8"));

await build({
  entryPoints: ["helper/cli/bin.ts"],
  outfile: "bin/sshmount.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
  // `sshmount --version` says which package this bundle was built from.
  define: { SSHMOUNT_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
await chmod("bin/sshmount.mjs", 0o755);
