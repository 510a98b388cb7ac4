/**
 * How a list file's bytes become text: the encoding (UTF-8 when the bytes are valid UTF-8, else
 * Windows-1252, what Excel writes on Indonesian Windows; or the one given, refused when it cannot
 * be right) and the separator of a CSV. Never replacement characters without a word.
 */
export type TextEncodingName = 'utf-8' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t';

/** `latin-1`, `iso-8859-1`, `cp1252`, `utf8`... -> the name used here; anything else is an error. */
export function encodingName(given: string): TextEncodingName {
  const wanted = given.toLowerCase().replace(/^(latin-?1|iso-?8859-?1|cp-?1252|windows-?1252)$/, 'windows-1252').replace(/^utf-?8$/, 'utf-8');
  if (wanted !== 'utf-8' && wanted !== 'windows-1252') throw new Error(`encoding ${given}: expected utf-8 or windows-1252 (latin-1)`);
  return wanted;
}

/** Decodes a whole file (small lists, `sp link`): detected, or given and checked. */
export function decodeList(bytes: Buffer, file: string, given?: string): { text: string; encoding: TextEncodingName; detected: boolean } {
  const wanted = given === undefined ? undefined : encodingName(given);
  if (wanted === 'windows-1252') return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', detected: false };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8', detected: wanted === undefined };
  } catch {
    if (wanted === 'utf-8') throw new Error(`${file}: not valid UTF-8 (try --encoding windows-1252)`);
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', detected: true };
  }
}

/** The separator of a CSV from its first line: the most frequent of `,` `;` and tab outside quotes. */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as Delimiter] += 1;
  }
  return (Object.entries(counts) as Array<[Delimiter, number]>).sort((a, b) => b[1] - a[1])[0][0];
}

/** Whether text decoded as UTF-8 looks like binary garbage: NUL bytes or mostly control characters. */
export function looksBinary(sample: string): boolean {
  if (sample.includes('\u0000')) return true;
  let control = 0;
  for (const ch of sample) {
    const c = ch.charCodeAt(0);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control += 1;
  }
  return sample.length > 0 && control / sample.length > 0.02;
}
