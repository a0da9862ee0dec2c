/** C0 controls and DEL: characters no user can see or type back, and that break line-based formats. */
export function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** How much of the user's input a message echoes. */
const QUOTED_MAX = 60;

/** Echoes user input in a message: quoted, escapes visible (a newline reads as \n), cut to QUOTED_MAX characters. */
export function quoted(value: string): string {
  return value.length > QUOTED_MAX ? `${JSON.stringify(value.slice(0, QUOTED_MAX))}…` : JSON.stringify(value);
}
