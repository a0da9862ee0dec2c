import { LocalStorage } from "@raycast/api";

const KEY = "last-mount";

/** The mount the user opened or created last, shared by every command of the extension. */
export async function lastMountName(): Promise<string | undefined> {
  return LocalStorage.getItem<string>(KEY);
}

export async function rememberLastMount(name: string): Promise<void> {
  await LocalStorage.setItem(KEY, name);
}

export async function forgetLastMount(name: string): Promise<void> {
  if ((await lastMountName()) === name) await LocalStorage.removeItem(KEY);
}

const passwordKey = (alias: string) => `needs-password:${alias}`;

/** Hosts that refused a key login but offered a password: their form shows a password field. */
export async function needsPassword(alias: string): Promise<boolean> {
  return (await LocalStorage.getItem<boolean>(passwordKey(alias))) === true;
}

export async function rememberNeedsPassword(alias: string): Promise<void> {
  await LocalStorage.setItem(passwordKey(alias), true);
}
