/** Text folding for matching Vietnamese names: lower case, no diacritics, đ → d, single spaces. */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Folded words of at least two characters. */
export function words(s: string): string[] {
  return foldText(s)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2);
}
