export { ContentEmbedder, type ContentEmbedderOptions, type Embedded } from './content-embedder.js';
export { fnv1a32, hashText, hashTexts } from './hashing.js';
export { ItemContent, type ItemContentInput } from './item-content.js';
export { itemInputs, type ItemInputs } from './item-inputs.js';
export { itemText, pyStrip } from './item-text.js';
export { openTextEncoder, type ItemTextEncoder } from './text-encoder.js';
export { bertNormalize, bertWords } from './bert-pre-tokenizer.js';
export { WordPieceTokenizer, type TokenBatch, type WordPieceOptions } from './wordpiece.js';
