export {
  embedReference,
  hasPython,
  PYTHON,
  tokensReference,
  type EmbedReference,
  type TokensReference,
} from './reference.js';
export { PARITY_ITEMS, TOKENIZER_CASES } from './cases.js';
export { measureThroughput, type Throughput } from './throughput.js';
