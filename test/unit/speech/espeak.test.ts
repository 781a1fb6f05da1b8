// Integration tests of the eSpeak NG runner: one long-lived child process serves every request of this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EspeakError, EspeakRunner } from '../../../main/core/speech/espeak.js';
import { parseWav, rms, wavSamples } from '../../../main/core/speech/wav.js';

const SILENCE_RMS = 0.01;
let runner: EspeakRunner;
let coldMs = 0;

function loudness(wav: Uint8Array): number {
  return rms(wavSamples(wav));
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

beforeAll(async () => {
  const started = performance.now();
  runner = await EspeakRunner.start();
  await runner.synthesize('Warm up.');
  coldMs = performance.now() - started;
}, 60_000);

afterAll(async () => {
  await runner?.close();
});

describe('EspeakRunner', () => {
  it('runs eSpeak NG in a child process, not in the test process', () => {
    expect(runner.pid).toBeTypeOf('number');
    expect(runner.pid).not.toBe(process.pid);
  });

  it('speaks English as a 22050 Hz mono 16-bit WAV that grows with the text and is not silent', async () => {
    const short = await runner.synthesize('Hello world.');
    const long = await runner.synthesize('Hello world. This is a much longer sentence, spoken by eSpeak in its own process.');
    for (const result of [short, long]) {
      const info = parseWav(result.wav);
      expect(result.sampleRate).toBe(22050);
      expect(info).toMatchObject({ sampleRate: 22050, channels: 1, bitsPerSample: 16 });
      expect(info.durationSeconds).toBeCloseTo(result.durationSeconds, 6);
      expect(loudness(result.wav)).toBeGreaterThan(SILENCE_RMS);
    }
    expect(parseWav(short.wav).durationSeconds).toBeGreaterThan(0.3);
    expect(parseWav(long.wav).durationSeconds).toBeGreaterThan(parseWav(short.wav).durationSeconds * 2);
    expect(short.phonemes).toContain('həlˈoʊ');
  });

  it.each([
    ['Spanish', 'es', 'Hola, ¿cómo estás? Mañana será otro día.'],
    ['French', 'fr', 'Bonjour à tous, où est la bibliothèque ?'],
    ['German', 'de', 'Guten Tag, schöne Grüße aus München.'],
    ['Hindi', 'hi', 'नमस्ते दुनिया, आप कैसे हैं?'],
    ['Mandarin', 'cmn', '你好，世界'],
    ['Japanese (kana)', 'ja', 'こんにちは'],
  ])('speaks %s (%s) with non-silent audio and phonemes', async (_name, voice, text) => {
    const result = await runner.synthesize(text, { voice });
    expect(parseWav(result.wav).durationSeconds).toBeGreaterThan(0.3);
    expect(loudness(result.wav)).toBeGreaterThan(SILENCE_RMS);
    expect(result.phonemes.trim().length).toBeGreaterThan(0);
    // No character fell back to the English "Chinese letter" / spelled-out reading.
    expect(result.phonemes).not.toMatch(/tʃˈaɪniːz|lˈɛtɚ|lˈɛtə/);
  });

  it('reads Hanzi as Mandarin syllables with tones, not the "Chinese letter" fallback', async () => {
    const text = '你好，世界';
    // What an unknown Han character gives: an English voice spells each one out as "Chinese letter".
    const fallback = await runner.phonemes(text, { voice: 'en-us', phonemeFormat: 'mnemonic' });
    expect(fallback).toMatch(/tS'aIni:z/);
    const mandarin = await runner.phonemes(text, { voice: 'cmn', phonemeFormat: 'mnemonic' });
    expect(mandarin).not.toBe(fallback);
    expect(mandarin).not.toMatch(/tS'aIni:z/);
    // nǐ hǎo shì jiè: tone contours 35 (ni, sandhi), 214 (hao), 51 (shi, jie).
    expect(mandarin).toMatch(/ni35/);
    expect(mandarin).toMatch(/214/);
    expect(mandarin.match(/51/g)?.length).toBe(2);
    const ipa = await runner.phonemes(text, { voice: 'cmn' });
    expect(ipa).toMatch(/tɕ/);
    expect(ipa).not.toMatch(/tʃˈaɪniːz/);
  });

  it('speaks slower at a lower rate and accepts a pitch', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const slow = await runner.synthesize(text, { rate: 100 });
    const fast = await runner.synthesize(text, { rate: 300 });
    expect(slow.durationSeconds).toBeGreaterThan(fast.durationSeconds * 1.5);
    const low = await runner.synthesize(text, { pitch: 10 });
    const high = await runner.synthesize(text, { pitch: 90 });
    expect(loudness(low.wav)).toBeGreaterThan(SILENCE_RMS);
    expect(loudness(high.wav)).toBeGreaterThan(SILENCE_RMS);
    expect(Buffer.from(low.wav).equals(Buffer.from(high.wav))).toBe(false);
  });

  it('reuses one child: same PID, and a warm call is faster than a cold start', async () => {
    const pid = runner.pid;
    const starts = runner.startCount;
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await timed(() => runner.synthesize('Hello world, once more.')))[1]);
    const warmMs = [...times].sort((a, b) => a - b)[1] ?? Infinity;
    expect(runner.pid).toBe(pid);
    expect(runner.startCount).toBe(starts);
    expect(warmMs).toBeLessThan(coldMs);
  });

  it('queues concurrent requests to the one child', async () => {
    const pid = runner.pid;
    const results = await Promise.all(['One.', 'Two.', 'Three.'].map((text) => runner.synthesize(text)));
    expect(results.map((result) => result.phonemes)).toEqual(['wˈʌn', 'tˈuː', 'θɹˈiː']);
    expect(runner.pid).toBe(pid);
  });

  it('lists voices', async () => {
    const voices = await runner.voices();
    const languages = voices.map((voice) => voice.language);
    for (const language of ['en-us', 'es', 'de', 'hi', 'cmn', 'ja']) expect(languages).toContain(language);
    expect(voices.find((voice) => voice.language === 'cmn')?.otherLanguages).toContain('zh');
  });

  it('rejects empty, over-long text and unknown voices with clear errors', async () => {
    await expect(runner.synthesize('')).rejects.toThrow(/text is empty/);
    await expect(runner.phonemes('   \n')).rejects.toThrow(/text is empty/);
    await expect(runner.synthesize('a'.repeat(20_001))).rejects.toThrow(/too long: 20001 characters, at most 20000/);
    await expect(runner.synthesize('Hello.', { voice: 'xx-nosuch' })).rejects.toThrow('Unknown eSpeak NG voice "xx-nosuch"');
    await expect(runner.phonemes('Hello.', { voice: '-q' })).rejects.toThrow('Unknown eSpeak NG voice "-q"');
    await expect(runner.synthesize('Hello.', { rate: 10 })).rejects.toThrow(/rate .* from 80 to 450/);
    const error = await runner.synthesize('Hello.', { voice: 'xx-nosuch' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EspeakError);
    expect((error as EspeakError).code).toBe('unknown-voice');
    // The child survives bad requests.
    expect((await runner.synthesize('Still here.')).wav.length).toBeGreaterThan(44);
  });

  it('restarts a killed child on the next request', async () => {
    const pid = runner.pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid as number);
    const result = await runner.synthesize('Back again after a crash.');
    expect(loudness(result.wav)).toBeGreaterThan(SILENCE_RMS);
    expect(runner.pid).toBeTypeOf('number');
    expect(runner.pid).not.toBe(pid);
    expect(runner.pid).not.toBe(process.pid);
  });

  it('fails the request in flight with a clear error when the child dies, then recovers', async () => {
    const pid = runner.pid as number;
    const long = 'This sentence is long enough to keep eSpeak busy for a while. '.repeat(200);
    const inFlight = runner.synthesize(long);
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.kill(pid);
    await expect(inFlight).rejects.toThrow(/exited during the request .*restarted on the next request/);
    const next = await runner.synthesize('Recovered.');
    expect(next.wav.length).toBeGreaterThan(44);
    expect(runner.pid).not.toBe(pid);
  });

  it('measures espeakMsPerSentence with a warm runner', async () => {
    const sentences = [
      'The morning light fell softly across the quiet harbour town.',
      'She packed her notebook and walked down to the old pier.',
      'A small boat drifted slowly past the rocks near the shore.',
      'Children laughed as they chased the gulls along the beach.',
      'The baker opened his shop and the smell of bread spread.',
      'Clouds gathered over the hills before the afternoon rain began.',
      'He wrote a long letter to his brother living far away.',
      'The train arrived late, but nobody on the platform complained.',
      'We listened to the radio while the soup cooked on the stove.',
      'At night the lighthouse turned its beam over the dark water.',
    ];
    const [, totalMs] = await timed(async () => {
      for (const sentence of sentences) await runner.synthesize(sentence);
    });
    const espeakMsPerSentence = totalMs / sentences.length;
    console.log(`espeakMsPerSentence=${espeakMsPerSentence.toFixed(1)} (cold start + first call ${coldMs.toFixed(0)} ms)`);
    expect(espeakMsPerSentence).toBeGreaterThan(0);
  });
});
