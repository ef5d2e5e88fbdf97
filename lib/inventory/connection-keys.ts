import type { ConnectionSettings } from './inventory.js';

/**
 * The variables that say how to reach a host, per ConnectionSettings field: Bosun's own key first,
 * then the Ansible aliases in the order they are consulted. The first one set wins.
 */
export const CONNECTION_KEYS: Record<keyof ConnectionSettings, readonly string[]> = {
  connection: ['bosun_connection', 'ansible_connection'],
  address: ['bosun_host', 'ansible_host', 'ansible_ssh_host'],
  port: ['bosun_port', 'ansible_port', 'ansible_ssh_port'],
  user: ['bosun_user', 'ansible_user', 'ansible_ssh_user'],
  privateKeyFile: ['bosun_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  become: ['bosun_become', 'ansible_become'],
  becomePasswordSecret: ['bosun_become_password_secret'],
};

/** Ansible's spellings of a boolean (compared lower-case), for INI values which are untyped text. */
export const ANSIBLE_BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  y: true,
  t: true,
  '1': true,
  false: false,
  no: false,
  off: false,
  n: false,
  f: false,
  '0': false,
};
