// `npm run bench`: bundles scripts/bench/bench.ts (it uses the helper's TypeScript) and runs it. The
// bundle goes under node_modules/.cache so its bare imports resolve from this project.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

const outfile = "node_modules/.cache/sshmount/bench.mjs";
await build({
  entryPoints: ["scripts/bench/bench.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
const result = spawnSync(process.execPath, [outfile], { stdio: "inherit" });
process.exit(result.status ?? 1);
