export type { Facts } from './facts.js';
export { gatherFacts } from './gather.js';
export { parseFacts } from './parse-facts.js';
