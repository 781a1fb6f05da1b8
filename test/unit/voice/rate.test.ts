// Tests of the speaking-rate ratio between eSpeak and the creator and the eSpeak words-per-minute setting derived from it.
import { describe, expect, it } from 'vitest';
import { ESPEAK_DEFAULT_WPM, espeakWordsPerMinute, speakingRateRatio } from '../../../main/core/voice/rate.js';

const utterance = (source: number, target: number, offset = 10) => ({
  source: { start: offset, end: offset + source },
  target: { start: 2 * offset, end: 2 * offset + target },
});

describe('speakingRateRatio', () => {
  it('is total target speech over total source speech', () => {
    expect(speakingRateRatio([utterance(100, 120)])).toBeCloseTo(1.2, 12);
    // Long utterances weigh more than short ones: (120 + 260) / (100 + 200), not the mean of 1.2 and 1.3.
    expect(speakingRateRatio([utterance(100, 120), utterance(200, 260)])).toBeCloseTo(380 / 300, 12);
  });

  it('leaves out utterances off the median ratio by more than 1.5× and those without speech', () => {
    const typical = [utterance(100, 110), utterance(150, 170), utterance(120, 130)];
    const withOutlier = [...typical, utterance(100, 400), utterance(0, 50), utterance(80, 0)];
    expect(speakingRateRatio(withOutlier)).toBeCloseTo(410 / 370, 12);
    expect(() => speakingRateRatio([utterance(0, 10)])).toThrow(/no utterance/);
  });
});

describe('espeakWordsPerMinute', () => {
  it('slows eSpeak down for a slower creator and speeds it up for a faster one', () => {
    expect(ESPEAK_DEFAULT_WPM).toBe(175);
    expect(espeakWordsPerMinute(1.25)).toBe(140);
    expect(espeakWordsPerMinute(0.8)).toBe(219);
    expect(espeakWordsPerMinute(1.1, 140)).toBe(127);
  });

  it("clamps to eSpeak's 80..450 and refuses nonsense", () => {
    expect(espeakWordsPerMinute(3)).toBe(80);
    expect(espeakWordsPerMinute(0.2)).toBe(450);
    expect(() => espeakWordsPerMinute(0)).toThrow();
    expect(() => espeakWordsPerMinute(Number.NaN)).toThrow();
  });
});
