export { handMadeTables, MINUTE, NOW } from './hand-made.js';
export {
  flat,
  makeReference,
  type Reference,
  type ReferenceDoc,
  type ReferenceOptions,
} from './reference.js';
