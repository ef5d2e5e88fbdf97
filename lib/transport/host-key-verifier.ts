import { KnownHosts, fingerprint, keyTypeOf, knownHostsName, type KnownHostKey } from './known-hosts.js';
import type { SshEndpoint } from './ssh-endpoint.js';

const hostKeyAlgorithmsByType: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Strongest first: the handshake verifies the first type both sides have, and that key is the one a later
 * fresh login relies on (hardening keeps ed25519 but may drop ECDSA or replace a short RSA key).
 */
const typePreference = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp256',
  'ssh-rsa',
];
const preferenceOf = (type: string) => {
  const index = typePreference.indexOf(type);
  return index === -1 ? typePreference.length : index;
};

/**
 * Applies the known-hosts policy to the key one endpoint offers during the handshake. The verdict is kept so
 * that a refused handshake is reported as a host key problem, not as a generic connection failure.
 */
export class HostKeyVerifier {
  /** Why the key was refused, once `verify` refused it. */
  refusal?: string;
  private offered?: Buffer;

  private constructor(
    private readonly endpoint: SshEndpoint,
    private readonly knownHosts: KnownHosts,
    private readonly known: { keys: KnownHostKey[]; revoked: KnownHostKey[] },
  ) {}

  static async load(endpoint: SshEndpoint): Promise<HostKeyVerifier> {
    const knownHosts = await KnownHosts.load(endpoint.knownHostsFile);
    return new HostKeyVerifier(endpoint, knownHosts, knownHosts.lookup(endpoint.address, endpoint.port));
  }

  /**
   * Host key algorithms to ask for: only the types already recorded, so that a host with several keys offers
   * one we can check rather than a newer type we have never seen (which would look like a changed key).
   */
  get algorithms(): string[] | undefined {
    if (this.endpoint.knownHostsPolicy === 'off') return undefined;
    const trusted = this.endpoint.trustedHostKey;
    const types =
      this.known.keys.length > 0
        ? this.known.keys.map((key) => key.type)
        : trusted
          ? [keyTypeOf(trusted)]
          : [];
    if (types.length === 0) return undefined;
    const ordered = [...types].sort((x, y) => preferenceOf(x) - preferenceOf(y));
    return [...new Set(ordered.flatMap((type) => hostKeyAlgorithmsByType[type] ?? [type]))];
  }

  /** ssh2's hostVerifier: true accepts the key. */
  readonly verify = (blob: Buffer): boolean => {
    this.offered = blob;
    this.refusal = this.check(blob);
    return this.refusal === undefined;
  };

  /**
   * After a successful handshake: records a first-seen key under accept-new, and returns the warning that
   * the policy `off` owes the user.
   */
  async settle(): Promise<string | undefined> {
    const { endpoint, offered } = this;
    if (!offered) return undefined;
    if (endpoint.knownHostsPolicy === 'off') {
      const recorded = this.known.keys.some((key) => key.blob.equals(offered));
      return (
        `${this.where}: host key checking is OFF; accepted host key ${describe(offered)} without verifying it` +
        (recorded
          ? '.'
          : this.known.keys.length > 0
            ? `, and it does NOT match the key recorded in ${endpoint.knownHostsFile}.`
            : ` (not in ${endpoint.knownHostsFile}).`) +
        ' Use the strict or accept-new policy outside throwaway environments.'
      );
    }
    const firstUse = endpoint.knownHostsPolicy === 'accept-new' || endpoint.trustedHostKey?.equals(offered);
    if (firstUse && this.known.keys.length === 0) {
      await this.knownHosts.add(endpoint.address, endpoint.port, offered);
    }
    return undefined;
  }

  /** The key the host offered in the handshake (verified when the handshake succeeded). */
  get offeredKey(): Buffer | undefined {
    return this.offered;
  }

  /** The refusal when the host offered none of the recorded key types (seen as a failed key exchange). */
  noMatchingKeyType(): string {
    const trusted = this.endpoint.trustedHostKey;
    if (this.known.keys.length === 0 && trusted) {
      return (
        `${this.where} offers no host key of type ${keyTypeOf(trusted)}, the type of the key it proved on the run's ` +
        `verified connection, so the new address cannot be trusted; add its key to ${this.endpoint.knownHostsFile}.`
      );
    }
    return (
      `${this.where} offers none of the host key types recorded for it in ${this.endpoint.knownHostsFile} ` +
      `(${[...new Set(this.known.keys.map((key) => key.type))].join(', ')}): the host was reinstalled or someone is ` +
      `intercepting the connection. If the change is expected, ${this.removeAdvice}.`
    );
  }

  private get where(): string {
    return `${this.endpoint.name} (${this.endpoint.address}:${this.endpoint.port})`;
  }

  private get removeAdvice(): string {
    const { address, port, knownHostsFile } = this.endpoint;
    return `remove the old key (ssh-keygen -R '${knownHostsName(address, port)}' -f ${knownHostsFile}) and connect again`;
  }

  private check(blob: Buffer): string | undefined {
    const { endpoint, known } = this;
    if (endpoint.knownHostsPolicy === 'off') return undefined;
    if (known.revoked.some((key) => key.blob.equals(blob))) {
      return `${this.where} offered host key ${describe(blob)}, which is marked @revoked in ${endpoint.knownHostsFile}; refusing to connect.`;
    }
    if (known.keys.some((key) => key.blob.equals(blob))) return undefined;
    if (known.keys.length > 0) {
      return (
        `${this.where} offered host key ${describe(blob)}, which does NOT match the key recorded in ${endpoint.knownHostsFile}: ` +
        `the host was reinstalled or someone is intercepting the connection. If the change is expected, ${this.removeAdvice}.`
      );
    }
    if (endpoint.knownHostsPolicy === 'accept-new' || endpoint.trustedHostKey?.equals(blob)) return undefined;
    return (
      `${this.where} is not in ${endpoint.knownHostsFile}; it offered host key ${describe(blob)}. Verify the fingerprint, ` +
      `then add the key (ssh-keyscan -p ${endpoint.port} ${endpoint.address} >> ${endpoint.knownHostsFile}) or run with --known-hosts accept-new.`
    );
  }
}

function describe(blob: Buffer): string {
  return `${keyTypeOf(blob)} ${fingerprint(blob)}`;
}
