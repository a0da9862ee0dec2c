import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import * as sshmount from "../../helper/index";
import { createWorld, smb, smbTargetOf, type World } from "./harness";

/**
 * How soon a change made on the server shows in the share's listings, with the caches warm: sshfs trusts
 * a listing for dcache_dir_timeout (assets/container/entrypoint.sh), the kernel its attributes for 1 s more.
 */
const WINDOW_MS = 3_000;
/** A change is seen up to one look late: an smbclient session takes ~0.3 s here, ~1 s under load. */
const LOOK_MS = 1_500;

let world: World;
beforeAll(async () => {
  world = await createWorld("fresh");
}, 900_000);
afterAll(() => world?.close(), 120_000);

it("a file changed and a file added on the server show through the share within the cache window", async () => {
  const mount = await sshmount.mount("server", "", {
    ...world.options,
    sshConfig: world.server.sshConfig,
    name: `${world.prefix}-fresh`,
  });
  const target = smbTargetOf(mount);
  const local = await fs.mkdtemp(path.join(world.dir, "fresh-"));
  await world.onServer(["sh", "-c", "mkdir fresh && printf old > fresh/doc.txt"]);
  // Warm every cache on the way: the listing, the file's attributes and its pages.
  await smb(target, ["cd fresh", "ls", `lcd ${local}`, "get doc.txt before.txt"]);
  expect(await fs.readFile(path.join(local, "before.txt"), "utf8")).toBe("old");

  await world.onServer(["sh", "-c", "printf 'new text' > fresh/doc.txt && touch fresh/added.txt"]);
  const changed = Date.now();
  let seen: number | undefined;
  while (Date.now() - changed < 30_000) {
    const listing = await smb(target, ["cd fresh", "ls"]);
    const size = listing.match(/^\s+doc\.txt\s+\S*\s+(\d+)\s/m)?.[1];
    if (size === "8" && /^\s+added\.txt\s/m.test(listing)) {
      seen = Date.now() - changed;
      break;
    }
  }
  process.stderr.write(`freshness: the server's change showed through the share after ${seen ?? "over 30 000"} ms\n`);
  expect(seen).toBeLessThanOrEqual(WINDOW_MS + LOOK_MS);
  // auto_cache drops the pages kept since the first read once it sees the new size and mtime.
  await smb(target, ["cd fresh", `lcd ${local}`, "get doc.txt after.txt"]);
  expect(await fs.readFile(path.join(local, "after.txt"), "utf8")).toBe("new text");

  await world.onServer(["rm", "-r", "fresh"]);
  await sshmount.unmount(mount.name, world.options);
}, 240_000);
