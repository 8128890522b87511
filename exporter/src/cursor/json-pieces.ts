/**
 * JSON.parse of a large response body without one large string. V8 keeps a string of more than
 * ~128 KB in its large-object space, mapped fresh for each one and unmapped after: decoding a
 * 440 KB usage-events page took ~110 page faults, a third of the parse worker's time per million
 * events. So the body's first top-level array is cut at `},{"` into pieces of about PIECE_BYTES,
 * each parsed on its own (small strings, allocated like any other).
 *
 * A cut is kept only when every piece parses, and a piece parses only when its cut lies between
 * two of the array's elements: a cut inside a string leaves that string unterminated, one inside an
 * element leaves a bracket open (the piece then runs on to the next `},{"`). So what comes back is
 * what JSON.parse of the whole body returns.
 * Anything else — no array near the start, a second key of the same name, no cut among MAX_TRIES
 * that parses, a tail that does not — is parsed whole, which also gives JSON.parse's own error for a
 * broken body.
 */
const PIECE_BYTES = 64 * 1024;
/** How far into the body the first top-level array's opening bracket is looked for. */
const HEAD_BYTES = 4096;
const CUT = Buffer.from('},{"');
/** Cuts tried for one piece before the body is parsed whole. */
const MAX_TRIES = 8;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export function parseJsonBytes(bytes: Buffer): unknown {
  if (bytes.length > 2 * PIECE_BYTES) {
    const parsed = parseInPieces(bytes);
    if (parsed !== undefined) return parsed;
  }
  return JSON.parse(bytes.toString('utf8'));
}

function parseInPieces(bytes: Buffer): unknown {
  const array = firstTopLevelArray(bytes);
  if (array === null) return undefined;
  const pieces: unknown[] = [];
  let from = array.at;
  let tries = 0;
  for (let cut = bytes.indexOf(CUT, from + PIECE_BYTES); cut >= 0;) {
    const piece = parseOrNull(`[${bytes.toString('utf8', from, cut + 1)}]`) as unknown[] | null;
    if (piece === null) {
      // The cut fell inside a string or an element; a later one may fall between two.
      if (++tries === MAX_TRIES) return undefined;
      cut = bytes.indexOf(CUT, cut + 1);
      continue;
    }
    pieces.push(...piece);
    from = cut + 2; // the next element's `{`
    tries = 0;
    cut = bytes.indexOf(CUT, from + PIECE_BYTES);
  }
  // JSON.parse keeps the last of two equal keys; with a second one, the pieces would be its.
  if (pieces.length === 0 || bytes.indexOf(array.quotedKey, from) >= 0) return undefined;
  const top = parseOrNull(bytes.toString('utf8', 0, array.at) + bytes.toString('utf8', from)) as Record<
    string,
    unknown
  > | null;
  const rest = top?.[array.key];
  if (top === null || !Array.isArray(rest)) return undefined; // a broken tail, or a key spelled with escapes
  top[array.key] = pieces.concat(rest);
  return top;
}

/** JSON.parse, or null for text that is not JSON (a piece cut in the wrong place, a broken body). */
function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The first array that is a value of the top-level object, within the body's first HEAD_BYTES:
 * the offset after its `[`, its key, and the key's bytes in quotes as the body spells it.
 */
function firstTopLevelArray(b: Buffer): { at: number; key: string; quotedKey: Buffer } | null {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let keyFrom = -1;
  let keyTo = -1;
  const end = Math.min(b.length, HEAD_BYTES);
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) keyTo = i;
      }
    } else if (c === QUOTE) {
      inString = true;
      keyFrom = i + 1;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (depth === 0 && c !== OPEN_BRACE) return null; // not an object at the top
      if (depth === 1 && c === OPEN_BRACKET) {
        if (keyTo < 0) return null;
        return { at: i + 1, key: b.toString('utf8', keyFrom, keyTo), quotedKey: b.subarray(keyFrom - 1, keyTo + 1) };
      }
      depth++;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return null;
}
