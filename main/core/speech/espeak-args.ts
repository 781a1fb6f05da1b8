// Pure helpers of the eSpeak NG runner (studio process): input validation, espeak-ng argv, voice-list and error parsing.

export const ESPEAK_MAX_TEXT_LENGTH = 20_000;
export const ESPEAK_DEFAULT_VOICE = 'en-us';
export const ESPEAK_RATE_RANGE = { min: 80, max: 450 } as const;
export const ESPEAK_PITCH_RANGE = { min: 0, max: 99 } as const;

/** Where the child's espeak-ng reads and writes, in the WASM module's in-memory file system. */
export const ESPEAK_FILES = { input: '/in.txt', wav: '/out.wav', phonemes: '/phonemes.txt' } as const;

export type PhonemeFormat = 'ipa' | 'mnemonic';

export interface EspeakOptions {
  /** eSpeak NG voice or language, e.g. 'en-us', 'es', 'cmn', 'ja', or a variant 'en-us+f3'. Default 'en-us'. */
  voice?: string;
  /** Speaking rate in words per minute, 80–450 (eSpeak's default is 175). */
  rate?: number;
  /** Base pitch, 0–99 (eSpeak's default is 50). */
  pitch?: number;
  /** IPA (default) or eSpeak's ASCII phoneme mnemonics (`-x`, which keeps tone numbers such as Mandarin's 35/214/51). */
  phonemeFormat?: PhonemeFormat;
}

export type EspeakErrorCode = 'invalid-input' | 'unknown-voice' | 'timeout' | 'crashed' | 'closed' | 'failed';

export class EspeakError extends Error {
  readonly code: EspeakErrorCode;
  constructor(code: EspeakErrorCode, message: string) {
    super(message);
    this.name = 'EspeakError';
    this.code = code;
  }
}

const VOICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_+\-/]{0,63}$/;

/** Checks the text; returns it unchanged. */
export function validateText(text: unknown): string {
  if (typeof text !== 'string') throw new EspeakError('invalid-input', 'eSpeak NG text must be a string.');
  if (text.trim().length === 0) throw new EspeakError('invalid-input', 'eSpeak NG text is empty: give some words to speak.');
  if (text.length > ESPEAK_MAX_TEXT_LENGTH) {
    throw new EspeakError(
      'invalid-input',
      `eSpeak NG text is too long: ${text.length} characters, at most ${ESPEAK_MAX_TEXT_LENGTH} per request (split it into sentences).`,
    );
  }
  return text;
}

function checkRange(name: string, value: number | undefined, range: { min: number; max: number }): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new EspeakError('invalid-input', `eSpeak NG ${name} must be a number from ${range.min} to ${range.max}, got ${String(value)}.`);
  }
}

/** Checks the options and fills in the voice. */
export function validateOptions(options: EspeakOptions = {}): Required<Pick<EspeakOptions, 'voice' | 'phonemeFormat'>> & EspeakOptions {
  const voice = options.voice ?? ESPEAK_DEFAULT_VOICE;
  if (typeof voice !== 'string' || !VOICE_PATTERN.test(voice)) {
    throw new EspeakError('unknown-voice', `Unknown eSpeak NG voice "${String(voice)}": not a voice name.`);
  }
  checkRange('rate (words per minute)', options.rate, ESPEAK_RATE_RANGE);
  checkRange('pitch', options.pitch, ESPEAK_PITCH_RANGE);
  const phonemeFormat = options.phonemeFormat ?? 'ipa';
  if (phonemeFormat !== 'ipa' && phonemeFormat !== 'mnemonic') {
    throw new EspeakError('invalid-input', `eSpeak NG phoneme format must be 'ipa' or 'mnemonic', got ${String(phonemeFormat)}.`);
  }
  return { ...options, voice, phonemeFormat };
}

/**
 * The espeak-ng argv for one request. The text is never in argv: it is read from the in-memory file (`-f`), UTF-8 (`-b 1`).
 * With `wav` the audio goes to ESPEAK_FILES.wav, otherwise nothing is synthesised (`-q`); phonemes always go to ESPEAK_FILES.phonemes.
 */
export function buildEspeakArgs(options: EspeakOptions, output: { wav: boolean }): string[] {
  const valid = validateOptions(options);
  const args: string[] = output.wav ? ['-w', ESPEAK_FILES.wav] : ['-q'];
  args.push(valid.phonemeFormat === 'ipa' ? '--ipa' : '-x', `--phonout=${ESPEAK_FILES.phonemes}`);
  args.push('-b', '1', '-v', valid.voice);
  if (valid.rate !== undefined) args.push('-s', String(Math.round(valid.rate)));
  if (valid.pitch !== undefined) args.push('-p', String(Math.round(valid.pitch)));
  args.push('-f', ESPEAK_FILES.input);
  return args;
}

/** eSpeak's phoneme file: one line per clause; trailing blank lines dropped. */
export function cleanPhonemes(raw: string): string {
  return raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

/** Turns an espeak-ng failure (exit status and stderr) into a clear error. */
export function espeakFailure(voice: string, exitStatus: number, stderr: readonly string[]): EspeakError {
  const text = stderr.join('\n');
  if (/voice does not exist/i.test(text)) {
    return new EspeakError('unknown-voice', `Unknown eSpeak NG voice "${voice}" (list the available ones with voices()).`);
  }
  return new EspeakError('failed', `espeak-ng failed (exit status ${exitStatus})${text ? `: ${text}` : ''}`);
}

export interface EspeakVoice {
  /** Display name, e.g. "Chinese (Mandarin, latin as English)". */
  name: string;
  /** What `voice` takes, e.g. "cmn". */
  language: string;
  /** The voice file, e.g. "sit/cmn"; also accepted as `voice`. */
  file: string;
  /** Other language codes this voice serves, e.g. ["zh-cmn", "zh"]. */
  otherLanguages: string[];
}

/** Parses `espeak-ng --voices` output (header line, then "Pty Language Age/Gender VoiceName File (Other Languages)..."). */
export function parseVoiceList(lines: readonly string[]): EspeakVoice[] {
  const voices: EspeakVoice[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    const [priority, language, , name, file, ...rest] = fields;
    if (!priority || !/^\d+$/.test(priority) || !language || !name || !file) continue;
    const otherLanguages = [...rest.join(' ').matchAll(/\(([^\s()]+)\s+\d+\)/g)].map((match) => match[1] ?? '').filter(Boolean);
    voices.push({ name: name.replace(/_/g, ' '), language, file, otherLanguages });
  }
  return voices;
}
