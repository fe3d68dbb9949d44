import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bertNormalize, bertWords } from './bert-pre-tokenizer.js';
import { WordPieceTokenizer } from './wordpiece.js';
import { expectRejection } from './testing/expect-rejection.js';

// ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 ...
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'un',
  '##aff',
  '##able',
  'aff',
  'able',
  ',',
  '!',
];
VOCAB.push('##a', 'a', '東', '京', 'cafe', 'e', '-', 'mail', 'x', '$', '5');
const id = (t: string) => VOCAB.indexOf(t);
const tokenizer = (maxLength = 128) =>
  new WordPieceTokenizer(VOCAB, { maxLength, specialTokens: ['[CLS]', '[SEP]', '[PAD]'] });

describe('BERT normalisation and word split', () => {
  it('lower-cases, strips accents, drops controls, maps whitespace to spaces', () => {
    expect(bertNormalize('CAFÉ\u0007\u0000\tÅ\u00a0x\ufffd')).toBe('cafe a x');
  });

  it('puts spaces around CJK ideographs, not around kana', () => {
    expect(bertWords(bertNormalize('東京タワー'))).toEqual(['東', '京', 'タワー']);
  });

  it('lower-cases character by character (no final sigma), as tokenizers does', () => {
    expect(bertNormalize('ΟΔΟΣ')).toBe('οδοσ');
  });

  it('splits every punctuation character off, ASCII symbols included', () => {
    expect(bertWords("e-mail $5+5 it's…")).toEqual([
      'e',
      '-',
      'mail',
      '$',
      '5',
      '+',
      '5',
      'it',
      "'",
      's',
      '…',
    ]);
  });
});

describe('WordPieceTokenizer', () => {
  it('takes the longest matching piece first, continuing with ##', () => {
    expect(tokenizer().encode('Unaffable!')).toEqual([
      2,
      id('un'),
      id('##aff'),
      id('##able'),
      id('!'),
      3,
    ]);
  });

  it('turns a word with any unmatched piece into one [UNK]', () => {
    expect(tokenizer().encode('unaffablez aff')).toEqual([2, 1, id('aff'), 3]);
  });

  it('turns a word over 100 characters into [UNK], and keeps one of 100', () => {
    expect(tokenizer().encode('a'.repeat(101))).toEqual([2, 1, 3]);
    expect(tokenizer().encode('a'.repeat(100))).toEqual([
      2,
      id('a'),
      ...Array<number>(99).fill(id('##a')),
      3,
    ]);
  });

  it('matches special tokens verbatim in the raw text, case-sensitively', () => {
    expect(tokenizer().encode('x[SEP]x [sep]')).toEqual([2, id('x'), 3, id('x'), 1, 1, 1, 3]);
  });

  it('encodes empty text as [CLS] [SEP]', () => {
    expect(tokenizer().encode('')).toEqual([2, 3]);
  });

  it('truncates to maxLength tokens, [SEP] last', () => {
    expect(tokenizer(5).encode('x x x x x x')).toEqual([2, id('x'), id('x'), id('x'), 3]);
    expect(tokenizer(4).encode('unaffable')).toEqual([2, id('un'), id('##aff'), 3]);
  });

  it('pads a batch to its longest text with a mask of the real tokens', () => {
    const b = tokenizer().batch(['x', 'x x x']);
    expect(b.dims).toEqual([2, 5]);
    expect(Array.from(b.inputIds, Number)).toEqual([
      2,
      id('x'),
      3,
      0,
      0,
      2,
      id('x'),
      id('x'),
      id('x'),
      3,
    ]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('refuses a vocabulary without the special tokens', () => {
    expect(() => new WordPieceTokenizer(['a'], { maxLength: 8 })).toThrow(/\[UNK\]/);
  });

  it('refuses a tokenizer.json it does not implement (a cased model)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wordpiece-'));
    try {
      await writeFile(join(dir, 'vocab.txt'), VOCAB.join('\n') + '\n');
      const json = {
        normalizer: {
          type: 'BertNormalizer',
          clean_text: true,
          handle_chinese_chars: true,
          strip_accents: null,
          lowercase: false,
        },
        pre_tokenizer: { type: 'BertPreTokenizer' },
        model: {
          type: 'WordPiece',
          unk_token: '[UNK]',
          continuing_subword_prefix: '##',
          max_input_chars_per_word: 100,
        },
      };
      await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(json));
      await expectRejection(
        WordPieceTokenizer.fromFiles(join(dir, 'vocab.txt'), join(dir, 'tokenizer.json'), 8),
        'invalid_argument',
        /lowercase/,
      );
      json.normalizer.lowercase = true;
      await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(json));
      const ok = await WordPieceTokenizer.fromFiles(
        join(dir, 'vocab.txt'),
        join(dir, 'tokenizer.json'),
        8,
      );
      expect(ok.encode('Cafe')).toEqual([2, id('cafe'), 3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
