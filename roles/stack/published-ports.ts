import { OptionsError } from '../../lib/index.js';
import type { ComposeFile, PortSpec } from './compose-schema.js';

/** A port a service publishes on the host. */
export interface PublishedPort {
  service: string;
  /** The host address it binds; undefined when it binds every interface (no address, 0.0.0.0 or ::). */
  hostIp?: string;
  /** Host port range; undefined for a port Docker picks at random. */
  published?: { from: number; to: number };
  /** Container port or range, as written. */
  target: string;
  protocol: 'tcp' | 'udp' | 'sctp';
}

const everyInterface = new Set(['', '0.0.0.0', '::', '[::]']);

/** Every port the stack publishes, in the services' order, from the short and the long syntax. */
export function publishedPorts(compose: ComposeFile): PublishedPort[] {
  return Object.entries(compose.services).flatMap(([service, definition]) =>
    (definition.ports ?? []).map((spec) => parsePort(service, spec)),
  );
}

/** `host:port→target/protocol`, with `*` for every interface: how reports name a port. */
export function describePort(port: PublishedPort): string {
  const range = port.published
    ? port.published.from === port.published.to
      ? String(port.published.from)
      : `${port.published.from}-${port.published.to}`
    : '(random)';
  return `${port.hostIp ?? '*'}:${range}→${port.target}/${port.protocol}`;
}

function parsePort(service: string, spec: PortSpec): PublishedPort {
  if (typeof spec === 'object') {
    return {
      service,
      hostIp: bindAddress(spec.host_ip ?? ''),
      published: spec.published === undefined ? undefined : portRange(String(spec.published), service, spec),
      target: String(spec.target),
      protocol: protocolOf(spec.protocol ?? 'tcp', service, spec),
    };
  }
  const text = String(spec);
  const [address, protocol = 'tcp'] = text.split('/');
  // The host IP may be IPv6 in brackets, itself full of colons: take it off before splitting.
  const bracketed = /^(\[[^\]]*\]):(.*)$/.exec(address);
  const parts = bracketed ? [bracketed[1], ...bracketed[2].split(':')] : address.split(':');
  if (parts.length > 3) throw badPort(service, spec);
  const target = parts[parts.length - 1];
  const published = parts.length >= 2 ? parts[parts.length - 2] : '';
  const hostIp = parts.length === 3 ? parts[0] : '';
  // 'IP::80' asks for a random port on IP; '80' alone for a random port everywhere; ':80' means nothing.
  if ((parts.length === 2 && published === '') || (parts.length === 3 && hostIp === ''))
    throw badPort(service, spec);
  portRange(target, service, spec);
  return {
    service,
    hostIp: bindAddress(hostIp),
    published: published === '' ? undefined : portRange(published, service, spec),
    target,
    protocol: protocolOf(protocol, service, spec),
  };
}

function bindAddress(ip: string): string | undefined {
  return everyInterface.has(ip) ? undefined : ip;
}

function portRange(text: string, service: string, spec: PortSpec): { from: number; to: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw badPort(service, spec);
  return { from: Number(match[1]), to: Number(match[2] ?? match[1]) };
}

function protocolOf(protocol: string, service: string, spec: PortSpec): PublishedPort['protocol'] {
  if (protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp') return protocol;
  throw badPort(service, spec);
}

function badPort(service: string, spec: PortSpec): OptionsError {
  return new OptionsError(
    'STACK_BAD_PORT',
    `service ${service}: cannot read the port ${JSON.stringify(spec)}; write [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL], e.g. '127.0.0.1:8080:80'.`,
  );
}
