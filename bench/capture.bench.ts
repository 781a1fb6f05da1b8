// Capture benchmark: face tracker speed and agreement with face-api, audio analysis speed, eSpeak NG per sentence.
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { packageFile } from '../main/core/platform/modules.js';
import { EspeakRunner } from '../main/core/speech/espeak.js';
import { SileroVad } from '../main/core/speech/vad.js';
import { decodeAudio } from '../main/core/media/ffmpeg.js';
import { LoudnessAnalyzer } from '../main/core/speech/loudness.js';
import { Downsampler48kTo16k } from '../main/core/speech/resample.js';
import { type RgbImage, FaceTracker } from '../main/core/vision/tracker.js';
import { ensureTestCreator } from '../test/fixtures/test-creator/generate.js';
import { oracle } from '../test/unit/vision/oracle.js';
import { analyseVideo } from '../main/core/vision/video-analysis.js';
import { type Benchmark, round } from './harness.js';

const SPEECH = fileURLToPath(new URL('../../shared/data/jfk-inaugural-1961.wav', import.meta.url));
const SENTENCES = [
  'The birch canoe slid on the smooth planks.',
  'Glue the sheet to the dark blue background.',
  'It is easy to tell the depth of a well.',
  'These days a chicken leg is a rare dish.',
  'Rice is often served in round bowls.',
];

async function frame(path: string, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().resize(width, height, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

async function trackerFigures(): Promise<{ msPerFrame: number; meanErrorPx: number }> {
  const photo = (i: number) => packageFile('@vladmandic/face-api', 'demo', `sample${i}.jpg`)!;
  const small = await FaceTracker.open({ threads: 1, detectorSize: 224 });
  const image = await frame(photo(2), 640, 480);
  for (let i = 0; i < 5; i++) await small.detect(image);
  const runs = 50;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await small.detect(image);
  const msPerFrame = (performance.now() - started) / runs;
  await small.close();

  // Agreement with face-api itself, fed the same pixels, on the package's sample photos.
  const api = await oracle();
  const tracker = await FaceTracker.open({ threads: 1, detectorSize: 416 });
  const errors: number[] = [];
  for (const i of [1, 2, 3, 4, 5, 6]) {
    const { data, info } = await sharp(photo(i)).removeAlpha().resize(960).raw().toBuffer({ resolveWithObject: true });
    const rgb = { data: new Uint8Array(data), width: info.width, height: info.height };
    const ours = await tracker.detect(rgb);
    const tensor = api.tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'int32');
    const theirs = await api.detectAllFaces(tensor, new api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 })).withFaceLandmarks();
    tensor.dispose();
    if (ours.length !== theirs.length) throw new Error(`sample${i}: ${ours.length} faces against face-api's ${theirs.length}`);
    ours.forEach((face, f) => {
      const positions = theirs[f]!.landmarks.positions;
      errors.push(face.landmarks.reduce((sum, [x, y], k) => sum + Math.hypot(x - positions[k]!.x, y - positions[k]!.y), 0) / 68);
    });
  }
  await tracker.close();
  return { msPerFrame, meanErrorPx: errors.reduce((a, b) => a + b, 0) / errors.length };
}

async function audioAnalysisXRealtime(): Promise<number> {
  // The whole analysis of a take as an import runs it: one decode at 48 kHz feeding loudness and levels, and a 16 kHz copy feeding the VAD.
  const vad = await SileroVad.open({ threads: 1 });
  const once = async () => {
    vad.reset();
    const started = performance.now();
    const loudness = new LoudnessAnalyzer(48_000);
    const downsampler = new Downsampler48kTo16k();
    const pending: Promise<Float32Array>[] = [];
    const decoded = await decodeAudio(SPEECH, { sampleRate: 48_000, channels: 1 }, async (chunk) => {
      pending.push(vad.probabilities(downsampler.push(chunk)));
      loudness.push(chunk);
      if (pending.length >= 4) await pending.shift();
    });
    pending.push(vad.probabilities(downsampler.flush()));
    await Promise.all(pending);
    await vad.flush();
    loudness.result();
    return decoded.durationSeconds / ((performance.now() - started) / 1000);
  };
  try {
    await once();
    const runs = [await once(), await once(), await once()];
    return runs.sort((a, b) => a - b)[1]!;
  } finally {
    await vad.close();
  }
}

async function videoAnalysisFps(): Promise<number> {
  // The test creator's longest take: a talking face at 640x480, 25 fps; decoding included, every frame tracked.
  const creator = await ensureTestCreator();
  const longest = [...creator.takes].sort((a, b) => b.text.length - a.text.length)[0]!;
  const tracker = await FaceTracker.open({ threads: 1, detectorSize: 224 });
  try {
    await analyseVideo(longest.mp4, tracker);
    const runs = [await analyseVideo(longest.mp4, tracker), await analyseVideo(longest.mp4, tracker)];
    return Math.max(...runs.map((r) => r.analysisFps));
  } finally {
    await tracker.close();
  }
}

async function espeakMsPerSentence(): Promise<number> {
  const runner = await EspeakRunner.start();
  try {
    await runner.synthesize('Warm up.');
    const started = performance.now();
    for (const sentence of SENTENCES) await runner.synthesize(sentence);
    return (performance.now() - started) / SENTENCES.length;
  } finally {
    await runner.close();
  }
}

export const captureBenchmark: Benchmark = {
  name: 'capture',
  description: 'face tracker (detector 224 + 68 landmarks, one thread, 640x480) and its agreement with face-api; take analysis; eSpeak NG',
  units: { trackerMsPerFrame: 'ms', trackerMeanErrorPx: 'px', audioAnalysisXRealtime: 'x real time', videoAnalysisFps: 'frames/s', espeakMsPerSentence: 'ms' },
  async run() {
    const tracker = await trackerFigures();
    return {
      trackerMsPerFrame: round(tracker.msPerFrame, 2),
      trackerMeanErrorPx: round(tracker.meanErrorPx, 6),
      audioAnalysisXRealtime: round(await audioAnalysisXRealtime(), 1),
      videoAnalysisFps: round(await videoAnalysisFps(), 1),
      espeakMsPerSentence: round(await espeakMsPerSentence(), 1),
    };
  },
};
