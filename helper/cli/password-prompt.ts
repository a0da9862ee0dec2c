import { SshmountError } from "../errors";

/** Standard input as the prompt needs it: process.stdin, or a stand-in in tests. */
export interface PromptInput {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
  on(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Reads one line from a terminal with echo off, as ssh and sudo do. Raw mode means the terminal sends
 * every key as typed: Enter ends the line, Backspace and Ctrl-U edit it, Ctrl-C cancels (no SIGINT is
 * raised in raw mode) and Ctrl-D on an empty line ends it empty. The terminal is restored in every case.
 */
export function readHiddenLine(input: PromptInput, write: (text: string) => void, prompt: string): Promise<string> {
  if (!input.setRawMode) throw new Error("readHiddenLine needs a terminal (setRawMode)");
  const setRawMode = input.setRawMode.bind(input);
  let line: string[] = [];
  return new Promise((resolve, reject) => {
    const finish = (result: { line: string } | { error: Error }) => {
      input.removeListener("data", onData);
      setRawMode(false);
      input.pause();
      // The user's Enter was not echoed either: end the prompt's line.
      write("\n");
      if ("error" in result) reject(result.error);
      else resolve(result.line);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of String(chunk)) {
        if (char === "\r" || char === "\n") return finish({ line: line.join("") });
        if (char === "\u0003") {
          return finish({ error: new SshmountError("cancelled", "Cancelled at the password prompt") });
        }
        if (char === "\u0004") {
          if (line.length === 0) return finish({ line: "" });
        } else if (char === "\u007f" || char === "\b") {
          line = line.slice(0, -1);
        } else if (char === "\u0015") {
          line = [];
        } else if (char >= " ") {
          line.push(char);
        }
      }
    };
    input.on("data", onData);
    setRawMode(true);
    input.resume();
    write(prompt);
  });
}
