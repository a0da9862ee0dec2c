// Raycast ships an extension's assets/ folder and nothing else of the repository, so the mount image's
// build context (container/) is copied there before `ray build` and `ray develop`; the helper builds
// the image from environment.assetsPath. The copy is generated, never committed.
import { cp, rm } from "node:fs/promises";

await rm("assets/container", { recursive: true, force: true });
await cp("container", "assets/container", { recursive: true, preserveTimestamps: true });
