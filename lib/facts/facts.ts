/** What the engine knows about a host, gathered in one round trip before its first task. */
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
  sshd: {
    /** The systemd unit that runs sshd: 'ssh' on Debian and Ubuntu, 'sshd' elsewhere. */
    service: string;
    /** Ubuntu 22.10+ starts sshd from `ssh.socket`, which ignores `Port` in sshd_config. */
    socketActivated: boolean;
    /** OpenSSH version as 'major.minor', e.g. '9.2'. */
    version: string;
  };
  /** Which tools are on the PATH. */
  tools: {
    apt: boolean;
    systemctl: boolean;
    sudo: boolean;
    ufw: boolean;
    docker: boolean;
    /** 'v2' for the `docker compose` plugin, 'v1' for `docker-compose`, or none. */
    compose: 'v2' | 'v1' | 'none';
  };
  /** Markers of handlers notified by an earlier run that did not get to run them (see the engine). */
  pendingHandlerMarkers: string[];
}

/** Where Bosun keeps the markers of handlers owed by an earlier run, one empty file each. */
export const pendingHandlersFolder = '/var/lib/bosun/pending-handlers';
