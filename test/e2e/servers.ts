import type { DemoServerVariant } from "../../helper/demo";

/** The OpenSSH servers the e2e tests need besides the demo's own, all made from the demo image. */
export interface TestServerOptions {
  /** Docker network the server joins, default the mount network; `alsoOn` adds more (a jump host). */
  network?: string;
  alsoOn?: string[];
  /** Lets the demo user log in with this password (test servers for password authentication). */
  password?: string;
  /** Ask for the password over keyboard-interactive (PAM), as many servers do, instead of "password". */
  passwordPrompt?: "password" | "keyboard-interactive";
  /** Accept the generated client key; false makes a password-only server. */
  keyAuth?: boolean;
  /** Allow TCP forwarding, so the server can be a ProxyJump hop. */
  jumpHost?: boolean;
  /** A login banner (sshd Banner), for tests of a server that prints hostile text. */
  banner?: string;
  /** Anyone logs in as demo without credentials (tests of a hostile server). */
  openLogin?: boolean;
}

/** The environment and files in /etc by which demo/sshd/entrypoint.sh turns each option on. */
export function serverVariant(options: TestServerOptions): DemoServerVariant {
  return {
    clientKey: options.keyAuth !== false,
    env: [
      ...(options.jumpHost ? ["DEMO_JUMP_HOST=yes"] : []),
      ...(options.passwordPrompt ? [`DEMO_PASSWORD_PROMPT=${options.passwordPrompt}`] : []),
      ...(options.openLogin ? ["DEMO_OPEN_LOGIN=yes"] : []),
    ],
    files: [
      ...(options.password ? [{ path: "ssh/demo_password", mode: 0o600, content: options.password }] : []),
      ...(options.banner ? [{ path: "ssh/demo_banner", mode: 0o644, content: options.banner }] : []),
    ],
    ...(options.network ? { network: options.network } : {}),
    alsoOn: options.alsoOn ?? [],
  };
}
