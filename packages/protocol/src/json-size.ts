/** Byte length of a value's JSON form; Infinity when it has none (cycles, BigInt, too deep). */
export function jsonSize(value: unknown): number {
  const text = jsonText(value);
  return text === undefined ? Number.POSITIVE_INFINITY : utf8Length(text);
}

/**
 * The value as it looks after crossing the wire (JSON round trip), or undefined when it has no JSON form
 * or its JSON form is larger than `maxBytes`. `undefined` itself travels as `null`.
 */
export function throughJson(value: unknown, maxBytes: number): { value: unknown } | undefined {
  const text = jsonText(value === undefined ? null : value);
  if (text === undefined || utf8Length(text) > maxBytes) return undefined;
  return { value: JSON.parse(text) as unknown };
}

function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value) as string | undefined;
  } catch {
    return undefined;
  }
}

/** UTF-8 length of a string without an encoder (lone surrogates count as the 3-byte replacement). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
