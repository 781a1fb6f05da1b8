// JSON.parse behind a size limit and a nesting limit, for JSON that arrives from files and registries; main process and workers.

export type JsonLimitReason = 'too-large' | 'too-deep' | 'invalid';

export class JsonLimitError extends Error {
  constructor(
    readonly reason: JsonLimitReason,
    message: string,
  ) {
    super(message);
    this.name = 'JsonLimitError';
  }
}

export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * JSON.parse recurses per nesting level, so a few megabytes of `[` overflow the stack or stall the process; the
 * depth is therefore measured by one linear scan (which skips string contents, escapes included) before parsing.
 */
export function parseJsonLimited(text: string, limits: JsonLimits): unknown {
  // A UTF-8 encoding is never shorter than the UTF-16 length, so the cheap test comes first.
  if (text.length > limits.maxBytes || Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new JsonLimitError('too-large', `The JSON is larger than the limit of ${limits.maxBytes} bytes.`);
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limits.maxDepth) throw new JsonLimitError('too-deep', `The JSON nests deeper than the limit of ${limits.maxDepth} levels.`);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      // A stray closer would let the count go negative and hide deeper nesting after it.
      if (--depth < 0) throw new JsonLimitError('invalid', 'The text is not valid JSON (a bracket closes that was never opened).');
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonLimitError('invalid', `The text is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}
