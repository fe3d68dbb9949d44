/**
 * BERT's uncased text normalisation and word split, as Hugging Face tokenizers' BertNormalizer
 * (clean_text, handle_chinese_chars, strip_accents, lowercase, in that order) and
 * BertPreTokenizer do them (Devlin et al. 2019); WordPiece then splits each word.
 */

// Control and format characters, unassigned and private-use code points: dropped, except the
// three that count as whitespace. U+FFFD and NUL are dropped too.
const CONTROL = /[\p{C}\uFFFD]/u;
const WHITESPACE = /\p{White_Space}/u;
// ASCII punctuation (including $+<=>^`| that Unicode files under symbols) and Unicode P*.
const PUNCTUATION = /[!-/:-@[-`{-~\p{P}]/u;
const NONSPACING_MARK = /\p{Mn}/gu;

/** CJK Unified Ideographs blocks, each character of which is a word of its own. */
function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** BertNormalizer with clean_text, handle_chinese_chars, lowercase and accents stripped. */
export function bertNormalize(text: string): string {
  let cleaned = '';
  for (const ch of text) {
    if (ch === '\t' || ch === '\n' || ch === '\r') cleaned += ' ';
    else if (CONTROL.test(ch)) continue;
    else if (WHITESPACE.test(ch)) cleaned += ' ';
    else if (isChinese(ch.codePointAt(0)!)) cleaned += ` ${ch} `;
    else cleaned += ch;
  }
  // Lower-cased one character at a time, as tokenizers does: no final-sigma rule.
  let lower = '';
  for (const ch of cleaned.normalize('NFD').replace(NONSPACING_MARK, '')) lower += ch.toLowerCase();
  return lower;
}

/** BertPreTokenizer: split on whitespace (dropped) and punctuation (each its own word). */
export function bertWords(normalized: string): string[] {
  const words: string[] = [];
  let word = '';
  for (const ch of normalized) {
    if (WHITESPACE.test(ch)) {
      if (word !== '') words.push(word);
      word = '';
    } else if (PUNCTUATION.test(ch)) {
      if (word !== '') words.push(word);
      words.push(ch);
      word = '';
    } else word += ch;
  }
  if (word !== '') words.push(word);
  return words;
}
