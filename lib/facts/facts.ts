/** The core facts of a host, gathered in its first round trip (see `coreFacts`). */
export interface Facts {
  hostname: string;
  /** The login user of the connection, and whether commands run as root (directly or through become). */
  user: string;
  isRoot: boolean;
  os: {
    /** `ID` from /etc/os-release: 'debian', 'ubuntu', ... */
    id: string;
    /** `VERSION_ID`: '12', '24.04', ... */
    versionId: string;
    /** `VERSION_CODENAME`: 'bookworm', 'noble', ... */
    codename: string;
    prettyName: string;
    family: 'debian' | 'other';
  };
  /** `uname -m`: 'x86_64', 'aarch64', ... */
  arch: string;
  /** Debian's name for the architecture (`dpkg --print-architecture`): 'amd64', 'arm64', ... */
  debArch: string;
  kernel: string;
  cpus: number;
  memoryMb: number;
  init: 'systemd' | 'other';
  /** True when the host runs in a container (facts cannot change the kernel there). */
  virtualization: string;
  packageManager: 'apt' | 'other';
  /** Which tools are on the PATH. */
  tools: {
    apt: boolean;
    systemctl: boolean;
    sudo: boolean;
    ufw: boolean;
    docker: boolean;
  };
}
