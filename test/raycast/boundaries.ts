import { jest } from "@jest/globals";

/**
 * Replaces what the helper reaches outside itself, as every UI test needs it: dockerode by the
 * in-memory engine, execa by the recorded processes, and @raycast/utils' runAppleScript by a recorder
 * (the rest of @raycast/utils stays real). Call it before the first dynamic import of src/ or helper/.
 */
export function replaceBoundaries(): void {
  jest.unstable_mockModule("execa", () => import("./fake-processes"));
  jest.unstable_mockModule("dockerode", () => import("./fake-engine"));
  jest.unstable_mockModule("@raycast/utils", () => import("./fake-applescript").then((fake) => fake.raycastUtils()));
}
