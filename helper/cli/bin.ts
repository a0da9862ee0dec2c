import { cleansUpOnCancel, main } from "./cli";

/** package.json's version, put here by scripts/build-cli.mjs. */
declare const SSHMOUNT_VERSION: string;

const argv = process.argv.slice(2);
const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
const controller = new AbortController();
let received: keyof typeof exitCodes | undefined;

/**
 * The first Ctrl-C (or SIGTERM) aborts the verb and waits while it removes what it made, so nothing is
 * left half-made; a verb with nothing to undo ends at once, and so does a second signal.
 */
function onSignal(signal: keyof typeof exitCodes): void {
  if (received || !cleansUpOnCancel(argv)) process.exit(exitCodes[signal]);
  received = signal;
  process.stderr.write("\nCancelling: removing what was created… (Ctrl-C again quits at once)\n");
  controller.abort();
}
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

const code = await main(argv, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: controller.signal,
  stdin: process.stdin,
  version: SSHMOUNT_VERSION,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
});
// A verb that finished despite the signal reports its own result; one that stopped reports the signal.
process.exitCode = received && code !== 0 ? exitCodes[received] : code;
