import { Type, type Static } from '@sinclair/typebox';

// Values go between double quotes in apt.conf: no quote, no line break.
const aptString = (options: object = {}) => Type.String({ pattern: '^[^"\\n\\\\]*$', ...options });
const clock = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

/** The variables of the unattended-upgrades role: one schema for ajv's validation (and defaults) and the type. */
export const unattendedUpgradesVariables = Type.Object({
  enabled: Type.Boolean({
    default: true,
    description: 'APT::Periodic: refresh the lists and run unattended-upgrade daily ("1"), or not ("0").',
  }),
  securityOrigins: Type.Optional(
    Type.Array(aptString(), {
      description:
        "Origins-Pattern entries of the security updates; default: the distribution's own (Debian and Ubuntu are known).",
    }),
  ),
  updates: Type.Boolean({
    default: false,
    description: "Also the distribution's -updates suite (not only security).",
  }),
  extraOrigins: Type.Array(aptString(), {
    default: [],
    description: 'More Origins-Pattern entries, e.g. "origin=Docker,label=Docker CE".',
  }),
  packageBlacklist: Type.Array(aptString(), {
    default: [],
    description: 'Packages (regular expressions) never upgraded.',
  }),
  automaticReboot: Type.Boolean({
    default: false,
    description: 'Reboot when an upgrade asks for it (/var/run/reboot-required), at automaticRebootTime.',
  }),
  automaticRebootTime: aptString({ pattern: `${clock}|^now$`, default: '02:00' }),
  automaticRebootWithUsers: Type.Boolean({
    default: true,
    description: 'Reboot even when users are logged in.',
  }),
  upgradeTime: Type.Optional(
    Type.String({
      pattern: clock,
      description:
        'When apt-daily-upgrade.timer runs the upgrade (default: 06:00 plus up to an hour at random), e.g. "01:30".',
    }),
  ),
  mail: aptString({
    default: '',
    description: 'Where to mail reports (needs a working MTA and mailx); empty: none.',
  }),
  mailReport: Type.Union([Type.Literal('always'), Type.Literal('only-on-error'), Type.Literal('on-change')], {
    default: 'on-change',
  }),
  removeUnusedDependencies: Type.Boolean({ default: false, description: 'apt autoremove after upgrading.' }),
  removeUnusedKernelPackages: Type.Boolean({ default: true }),
  aptListchanges: Type.Boolean({
    default: false,
    description: 'Install apt-listchanges (changelogs in the mails).',
  }),
});

export type UnattendedUpgradesVariables = Static<typeof unattendedUpgradesVariables>;
