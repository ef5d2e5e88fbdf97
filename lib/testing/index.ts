// Bosun's molecule-like harness, published as `bosun/testing`: throwaway hosts and scenarios for role authors.
export { ThrowawayHost, type ThrowawayHostOptions } from './throwaway-host.js';
export { ThrowawayFleet, type FleetHostSpec, type FleetOptions } from './throwaway-fleet.js';
export { ensureHostImage, hostImageKinds, selectedImageKind, type HostImageKind } from './host-image.js';
export { scenario, type ScenarioContext, type ScenarioOptions } from './scenario.js';
export { runInProcess, type CapturedRun, type InProcessRunOptions } from './run-in-process.js';
export { runBosun, bosunCommand, type BosunProcessResult, type RunBosunOptions } from './run-bosun.js';
export {
  fingerprintHost,
  diffFingerprints,
  defaultFingerprintPaths,
  defaultIgnoredUnits,
  type FingerprintOptions,
  type HostFingerprint,
} from './host-fingerprint.js';
export { comparePrediction, taskKey, type PredictionCheck } from './prediction.js';
export { stepwise } from './stepwise.js';
