export type { ConnectionSettings, Inventory, InventoryGroup, InventoryHost } from './inventory.js';
export { loadInventory } from './load-inventory.js';
export { selectHosts } from './patterns.js';
export { inventoryToList, type InventoryList, type ListedGroup, type ListMeta } from './list-output.js';
export { inventoryToGraph } from './graph-output.js';
export { InventoryError, type InventoryIssue } from './inventory-error.js';
export { CONNECTION_KEYS } from './connection-keys.js';
export { withExtraVars } from './extra-vars.js';
