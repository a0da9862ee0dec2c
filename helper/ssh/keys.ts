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

/** An OpenSSH or PEM private key; anything else an IdentityFile names (a typo, a document) never leaves the Mac. */
export function isPrivateKey(text: string): boolean {
  return /^-----BEGIN (?:OPENSSH |RSA |EC |DSA |ENCRYPTED |)PRIVATE KEY-----\r?\n/.test(text);
}

/** One public key line ("ssh-ed25519 AAAA… comment"), as ssh-keygen writes KEY.pub. */
export function isPublicKey(text: string): boolean {
  return /^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com) [A-Za-z0-9+/]+={0,2}(?: [^\n]*)?\n?$/.test(
    text,
  );
}

/** One OpenSSH certificate line, as ssh-keygen -s writes KEY-cert.pub. */
export function isCertificate(text: string): boolean {
  return /^\S+-cert-v01@openssh\.com [A-Za-z0-9+/]+={0,2}(?: [^\n]*)?\n?$/.test(text);
}

/**
 * Whether ssh would ask the agent in SSH_AUTH_SOCK for this host's keys: the only agent a mount can
 * be given (Docker Desktop and OrbStack forward just that one). "none" or another socket means not.
 */
export function usesAuthSockAgent(identityAgent: string | undefined, authSock: string): boolean {
  return (
    identityAgent === undefined ||
    identityAgent === "SSH_AUTH_SOCK" ||
    identityAgent === "$SSH_AUTH_SOCK" ||
    identityAgent === authSock
  );
}
