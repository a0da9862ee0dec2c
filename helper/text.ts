/** C0 controls and DEL: characters no user can see or type back, and that break line-based formats. */
export function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Echoes user input in a message: quoted, escapes visible (a newline reads as \n), cut to `max` characters. */
export function quoted(value: string, max = 60): string {
  return value.length > max ? `${JSON.stringify(value.slice(0, max))}…` : JSON.stringify(value);
}
