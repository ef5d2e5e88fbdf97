/** One key of an authorized_keys file: `[options] type base64-blob [comment]` (sshd(8), AUTHORIZED_KEYS FILE FORMAT). */
export interface AuthorizedKey {
  /** Comma-separated options before the key, as written: `from="10.0.0.0/8",no-agent-forwarding`. */
  options?: string;
  /** 'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com', ... */
  type: string;
  /** The base64 key material: what identifies a key. */
  blob: string;
  comment?: string;
}

const keyType = /^(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+$/;
const base64 = /^[A-Za-z0-9+/]+={0,3}$/;

/**
 * Reads one line of an authorized_keys file; undefined for blank lines, `#` comments and lines that are not
 * a key. Options may hold quoted values with spaces (`command="echo hi"`), so the first field is read up to
 * the first space outside double quotes.
 */
export function parseAuthorizedKey(line: string): AuthorizedKey | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const [first, afterFirst] = splitField(text);
  let options: string | undefined;
  let type = first;
  let rest = afterFirst;
  if (!keyType.test(first)) {
    options = first;
    [type, rest] = splitField(afterFirst);
  }
  const [blob, comment] = splitField(rest);
  if (!keyType.test(type) || !base64.test(blob)) return undefined;
  return { ...(options ? { options } : {}), type, blob, ...(comment ? { comment } : {}) };
}

/** The line for a key, as sshd reads it. */
export function formatAuthorizedKey(key: AuthorizedKey): string {
  return [key.options, key.type, key.blob, key.comment].filter(Boolean).join(' ');
}

/** A short name for a key in plan lines: `ssh-ed25519 …Qx9L2c3dPfwz admin@laptop`. */
export function describeAuthorizedKey(key: AuthorizedKey): string {
  return `${key.type} …${key.blob.replace(/=+$/, '').slice(-12)}${key.comment ? ` ${key.comment}` : ''}`;
}

/** The first field (up to a space outside double quotes) and the rest, trimmed. */
function splitField(text: string): [string, string] {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ' ' || c === '\t')) return [text.slice(0, i), text.slice(i + 1).trim()];
  }
  return [text, ''];
}
