import { readFile } from 'node:fs/promises';
import { AppError } from '@recsys/errors';
import { z } from 'zod';
import { bertNormalize, bertWords } from './bert-pre-tokenizer.js';

/** Token ids of a batch, padded to its longest text, as text_encoder.onnx takes them. */
export interface TokenBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** [batch, tokens] */
  dims: [number, number];
}

export interface WordPieceOptions {
  /** Tokens per text incl. [CLS] and [SEP]; longer texts are cut (the manifest's max_length). */
  maxLength: number;
  unkToken?: string;
  prefix?: string;
  maxInputCharsPerWord?: number;
  /** Special tokens matched verbatim in the raw text before normalisation, e.g. "[SEP]". */
  specialTokens?: readonly string[];
}

// The parts of a Hugging Face tokenizer.json this implementation follows; anything else
// (another normaliser, cased models) is refused rather than tokenised differently.
const TokenizerJson = z.object({
  added_tokens: z
    .array(z.object({ content: z.string().min(1), normalized: z.literal(false) }))
    .default([]),
  normalizer: z.object({
    type: z.literal('BertNormalizer'),
    clean_text: z.literal(true),
    handle_chinese_chars: z.literal(true),
    strip_accents: z.union([z.null(), z.literal(true)]),
    lowercase: z.literal(true),
  }),
  pre_tokenizer: z.object({ type: z.literal('BertPreTokenizer') }),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string(),
    continuing_subword_prefix: z.string(),
    max_input_chars_per_word: z.number().int().positive(),
  }),
});

/**
 * BERT uncased WordPiece (Wu et al. 2016; Devlin et al. 2019) as Hugging Face's
 * BertTokenizerFast encodes one sequence: special tokens split out, BertNormalizer,
 * BertPreTokenizer, greedy longest-match sub-words with "##", [UNK] for a word with no
 * match or over 100 characters, `[CLS] tokens [SEP]` cut to maxLength.
 */
export class WordPieceTokenizer {
  private readonly ids = new Map<string, number>();
  private readonly unk: number;
  private readonly cls: number;
  private readonly sep: number;
  readonly pad: number;
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly specials: readonly string[];
  private readonly specialStarts: ReadonlySet<string>;

  constructor(
    vocab: readonly string[],
    readonly options: WordPieceOptions,
  ) {
    vocab.forEach((token, id) => {
      if (!this.ids.has(token)) this.ids.set(token, id);
    });
    const need = (token: string) => {
      const id = this.ids.get(token);
      if (id === undefined)
        throw new AppError('invalid_argument', `WordPiece vocabulary has no ${token}`);
      return id;
    };
    this.unk = need(options.unkToken ?? '[UNK]');
    this.cls = need('[CLS]');
    this.sep = need('[SEP]');
    this.pad = need('[PAD]');
    this.prefix = options.prefix ?? '##';
    this.maxChars = options.maxInputCharsPerWord ?? 100;
    // Longest first, so "[CLS]x" never loses to a shorter token that is its prefix.
    this.specials = [...(options.specialTokens ?? [])]
      .filter((t) => this.ids.has(t))
      .sort((a, b) => b.length - a.length);
    this.specialStarts = new Set(this.specials.map((t) => t[0]!));
    if (options.maxLength < 2) {
      throw new AppError('invalid_argument', `WordPiece max_length ${options.maxLength} < 2`);
    }
  }

  /** Reads vocab.txt (one token per line, id = line) and, when given, checks tokenizer.json. */
  static async fromFiles(
    vocabPath: string,
    tokenizerPath: string | undefined,
    maxLength: number,
  ): Promise<WordPieceTokenizer> {
    const vocab = (await readFile(vocabPath, 'utf8')).split('\n').map((l) => l.replace(/\r$/, ''));
    if (vocab.at(-1) === '') vocab.pop();
    if (tokenizerPath === undefined) return new WordPieceTokenizer(vocab, { maxLength });
    const parsed = TokenizerJson.safeParse(JSON.parse(await readFile(tokenizerPath, 'utf8')));
    if (!parsed.success) {
      throw new AppError(
        'invalid_argument',
        `${tokenizerPath}: not a BERT uncased WordPiece tokenizer this package implements: ${z.prettifyError(parsed.error)}`,
      );
    }
    const { model, added_tokens } = parsed.data;
    return new WordPieceTokenizer(vocab, {
      maxLength,
      unkToken: model.unk_token,
      prefix: model.continuing_subword_prefix,
      maxInputCharsPerWord: model.max_input_chars_per_word,
      specialTokens: added_tokens.map((t) => t.content),
    });
  }

  /** `[CLS] ... [SEP]` ids of one text, at most maxLength. */
  encode(text: string): number[] {
    const budget = this.options.maxLength - 2;
    const out = [this.cls];
    let from = 0;
    const flush = (to: number) => {
      if (to > from) this.wordPieces(text.slice(from, to), out, budget + 1);
    };
    for (let i = 0; i < text.length && out.length <= budget;) {
      const special = this.specialStarts.has(text[i]!)
        ? this.specials.find((t) => text.startsWith(t, i))
        : undefined;
      if (special === undefined) {
        i++;
        continue;
      }
      flush(i);
      out.push(this.ids.get(special)!);
      i += special.length;
      from = i;
    }
    flush(text.length);
    out.length = Math.min(out.length, budget + 1);
    out.push(this.sep);
    return out;
  }

  /** Ids of many texts, right-padded with [PAD] to the longest, mask 1 on real tokens. */
  batch(texts: readonly string[]): TokenBatch {
    const encoded = texts.map((t) => this.encode(t));
    const width = Math.max(2, ...encoded.map((e) => e.length));
    const inputIds = new BigInt64Array(texts.length * width).fill(BigInt(this.pad));
    const attentionMask = new BigInt64Array(texts.length * width);
    encoded.forEach((ids, i) => {
      ids.forEach((id, j) => {
        inputIds[i * width + j] = BigInt(id);
        attentionMask[i * width + j] = 1n;
      });
    });
    return { inputIds, attentionMask, dims: [texts.length, width] };
  }

  /** Appends the WordPiece ids of a span of raw text until `out` holds `limit` ids. */
  private wordPieces(span: string, out: number[], limit: number): void {
    for (const word of bertWords(bertNormalize(span))) {
      if (out.length >= limit) return;
      const chars = Array.from(word);
      if (chars.length > this.maxChars) {
        out.push(this.unk);
        continue;
      }
      const pieces: number[] = [];
      for (let start = 0; start < chars.length;) {
        let end = chars.length;
        let id: number | undefined;
        for (; end > start; end--) {
          const piece = chars.slice(start, end).join('');
          id = this.ids.get(start > 0 ? this.prefix + piece : piece);
          if (id !== undefined) break;
        }
        if (id === undefined) {
          pieces.length = 0;
          pieces.push(this.unk);
          break;
        }
        pieces.push(id);
        start = end;
      }
      out.push(...pieces);
    }
  }
}
