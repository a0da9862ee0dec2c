/**
 * Whether a private key file needs a passphrase. The mount container cannot ask for one, so an
 * encrypted key is only usable through the agent. Read from the file itself: OpenSSH's format names
 * its cipher ("none" when clear), PEM marks encryption in its header.
 */
export function isEncryptedPrivateKey(text: string): boolean {
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (openssh) {
    const blob = Buffer.from(openssh[1].replace(/\s+/g, ""), "base64");
    const magic = "openssh-key-v1\0";
    if (blob.length < magic.length + 4 || blob.subarray(0, magic.length).toString("latin1") !== magic) return false;
    const length = blob.readUInt32BE(magic.length);
    const cipher = blob.subarray(magic.length + 4, magic.length + 4 + length).toString("latin1");
    return cipher !== "none";
  }
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
}
