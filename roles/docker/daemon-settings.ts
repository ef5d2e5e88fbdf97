import { mergeJson, type JsonObject } from '../../lib/index.js';
import type { DaemonVariables } from './variables.js';

/**
 * The keys the role manages in /etc/docker/daemon.json, from its `daemon` variables, with
 * `extraDaemonSettings` merged last. Optional settings that are not given are not written at all, so
 * Docker's own defaults apply.
 */
export function daemonSettings(daemon: DaemonVariables, extra: Record<string, unknown> = {}): JsonObject {
  const settings: JsonObject = {
    'log-driver': 'json-file',
    // dockerd wants log options as strings: a number here fails its start.
    'log-opts': { 'max-size': daemon.logMaxSize, 'max-file': String(daemon.logMaxFile) },
    'live-restore': daemon.liveRestore,
  };
  if (daemon.defaultAddressPools)
    settings['default-address-pools'] = daemon.defaultAddressPools.map(({ base, size }) => ({ base, size }));
  if (daemon.userlandProxy !== undefined) settings['userland-proxy'] = daemon.userlandProxy;
  if (daemon.registryMirrors) settings['registry-mirrors'] = [...daemon.registryMirrors];
  // Through JSON: `undefined` members are dropped as daemon.json would drop them.
  return mergeJson(settings, JSON.parse(JSON.stringify(extra)) as JsonObject);
}
