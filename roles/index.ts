// Bosun's roles: `import { hardenSsh, ufw } from 'bosun/roles'`. Each role lives in roles/NAME/.
export {};
