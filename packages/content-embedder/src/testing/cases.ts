import type { ItemContentInput } from '../item-content.js';

const manyTags = Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? ' ' : `tag${i % 25}`));

/**
 * Items whose embedding the parity test compares with training's: accents, punctuation, CJK,
 * control characters, unknown and repeated categories, missing and extra numeric fields, more
 * than max_tags tags, an empty item, text past 128 tokens.
 */
export const PARITY_ITEMS: ItemContentInput[] = [
  {
    title: "  Amélie — Le Fabuleux Destin d'Amélie Poulain!! ",
    categories: ['Comedy', 'Romance'],
    tags: ['french', 'Paris ', 'whimsical', 'french', ''],
    numeric: { year: 2001, duration_s: 7320 },
  },
  {
    title: '千と千尋の神隠し (Spirited Away)',
    categories: ['Animation', 'Fantasy'],
    tags: ['ghibli', 'アニメ', 'Ünïcödé'],
    numeric: { year: 2001 },
  },
  {
    title: 'The Hidden Planet',
    categories: ['NotACategory', 'Drama', 'Drama', 'AlsoUnknown', 'Sci-Fi', 'Crime'],
    tags: [],
    numeric: {},
  },
  {
    title: 'Tags galore',
    categories: ['Music'],
    tags: manyTags,
    numeric: { duration_s: 180, unrelated: 5, tag_count: 99 },
  },
  { title: '', categories: [], tags: [], numeric: {} },
  {
    title: 'Tab\there\u0007bell\u00a0nbsp\u200bzero-width [SEP] [CLS]x $5+5=10 <html> C++ e-mail',
    categories: ['Sci-Fi'],
    tags: ['l\u2019été', 'ΟΔΟΣ', 'İstanbul', 'Straße'],
    numeric: { year: 1999.5 },
  },
  {
    title: `${'supercalifragilistic'.repeat(6)} ${'word '.repeat(150)}`,
    categories: ['Documentary', 'Nature'],
    tags: ['long'],
    numeric: { year: 2030, duration_s: 0 },
  },
];

/** Strings whose WordPiece ids must equal the Hugging Face tokenizer's. */
export const TOKENIZER_CASES: string[] = [
  '',
  'Hello, World!',
  "Amélie — Le Fabuleux Destin d'Amélie Poulain",
  '千と千尋の神隠し (Spirited Away) 東京タワー',
  'naïve café résumé ÅNGSTRÖM',
  'Tab\there\nnewline\r\u0007bell\u0000nul\ufffdrepl\u00a0nbsp\u200bzwsp\u2003emsp',
  '[CLS] [SEP] [PAD] [MASK] [UNK] [cls] [SEP][SEP]x',
  'unaffable unbelievably tokenization xylophonist',
  'a'.repeat(100),
  'b'.repeat(101),
  '$5+5=10 <html>~`^|</html> C++ e-mail 3.14159 #hashtag @user',
  'ΟΔΟΣ Σίσυφος İstanbul Straße ǅemal ﬁne Ｆｕｌｌｗｉｄｔｈ',
  '😀 emoji 👩‍👩‍👧 family 🇫🇷 flag',
  'ड हिन्दी עברית العربية ไทย 한국어',
  `${'word '.repeat(200)}end`,
  'Sci-Fi, Drama. tag1, tag2, tag3',
];
