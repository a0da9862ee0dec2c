import { jest } from "@jest/globals";
import type { boundaries as shipped } from "../../src/lib/boundaries";
import type { UiWorld } from "./world";

/**
 * Gives the extension the current test's engine, processes and AppleScript log through its one seam,
 * src/lib/boundaries.ts, which is replaced here; no third-party module is. Call it before the first
 * dynamic import of src/; `world` is read at each call, so every test gets its own fakes.
 */
export function replaceBoundaries(world: () => UiWorld): void {
  const boundaries: Required<typeof shipped> = {
    dockerClient: (options) => world().engine.client(options),
    run: (file, args, options) => world().processes.run(file, args, options),
    appleScript: (script) => world().appleScripts.run(script),
  };
  jest.unstable_mockModule("../../src/lib/boundaries", () => ({ boundaries }));
}
