export { mmr, type MmrInput } from './mmr.js';
