import { decodeNamedCharacterReference } from 'decode-named-character-reference';

const REFERENCE = /&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|([A-Za-z][A-Za-z\d]{1,31}));/g;

/**
 * Decodes HTML character references (`&amp;`, `&#60;`, `&#x3C;`) the way CommonMark
 * does in text and link destinations; marked's lexer leaves them encoded for its own
 * HTML output. Unknown names stay as written.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return decodeNamedCharacterReference(name) || whole;
    const code = Number.parseInt(decimal ?? hex!, decimal ? 10 : 16);
    // NUL, surrogates and out-of-range code points become U+FFFD, as in CommonMark.
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(code);
  });
}
