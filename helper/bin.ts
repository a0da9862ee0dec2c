import { main } from "./cli";

const controller = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("\nCancelling: removing what was created…\n");
  controller.abort();
  process.once("SIGINT", () => process.exit(130));
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: controller.signal,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
});
