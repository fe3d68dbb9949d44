import { describe, expect, it } from 'vitest';
import { itemText, pyStrip } from './item-text.js';

const item = (title: string, categories: string[], tags: string[]) => ({ title, categories, tags });

describe('itemText (training text.item_text)', () => {
  it('joins title, categories and tags with the template', () => {
    expect(itemText(item(' Heat ', ['Action', 'Crime'], ['a', 'a', ' ', 'b']), 20)).toBe(
      'Heat. Action, Crime. a, b',
    );
  });

  it('keeps an empty item as the bare template', () => {
    expect(itemText(item('', [], []), 20)).toBe('. . ');
  });

  it('strips and de-duplicates tags before cutting at maxTags', () => {
    const tags = ['x', ' x ', '', 'y', 'z', 'w'];
    expect(itemText(item('T', [], tags), 2)).toBe('T. . x, y');
    expect(itemText(item('T', [], tags), 0)).toBe('T. . ');
  });

  it('passes categories through as given (training does not strip them)', () => {
    expect(itemText(item('T', [' Drama', 'Drama'], []), 20)).toBe('T.  Drama, Drama. ');
  });
});

describe('pyStrip (Python str.strip)', () => {
  it('strips Unicode whitespace and the ASCII separators Python counts as space', () => {
    expect(pyStrip('\u3000\t a b\u00a0\x1c\x1f\n')).toBe('a b');
  });

  it('keeps U+FEFF and zero-width space, which Python does not strip', () => {
    expect(pyStrip('\ufeffa\u200b')).toBe('\ufeffa\u200b');
  });
});
