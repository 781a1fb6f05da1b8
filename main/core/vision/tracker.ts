// The face tracker: face-api's TinyFaceDetector + FaceLandmark68Net (+ FaceRecognitionNet on demand) as ONNX on onnxruntime, and image decoding with sharp; main process and workers.
import type { InferenceSession } from 'onnxruntime-node';
import { loadModule } from '../platform/modules.js';
import { ort, sessionOptions } from '../ml/runtime/sessions.js';
import { buildFaceLandmark68, buildFaceRecognition, buildTinyFaceDetector } from './faceapi-graphs.js';
import { loadFaceApiWeights } from './faceapi-weights.js';
import { checkImage, clipToImage, decodeDetections, DETECTOR_MEAN, dlibAlignedRect, FACE_MEAN, landmarksToImage, squareInput } from './faceapi-pipeline.js';
import type { Rect, RgbImage } from './faceapi-pipeline.js';

export type { Rect, RgbImage } from './faceapi-pipeline.js';

export interface TrackedFace {
  /** The detection box in image pixels (may reach past the borders). */
  readonly box: Rect;
  readonly score: number;
  /** 68 points (iBUG 300-W order) in image pixels. */
  readonly landmarks: [number, number][];
}

export interface FaceTrackerOptions {
  /** Intra-op threads per session; default 1 (the tracker runs beside other work). */
  readonly threads?: number;
  /** Detector input size: 224 is fast (faces above ~40 px in a 640 px frame), 416 finds smaller faces. Default 416, face-api's default. */
  readonly detectorSize?: 224 | 416;
  /** Minimum detection score, exclusive; default 0.5 as in face-api. */
  readonly scoreThreshold?: number;
  /** Folder holding face-api's weight files; default the installed package's `model` folder. */
  readonly modelDir?: string;
}

type Session = InferenceSession;

async function createSession(bytes: Uint8Array, threads: number): Promise<Session> {
  return ort().InferenceSession.create(bytes, sessionOptions('cpu', threads));
}

async function run(session: Session, input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const Ort = ort();
  const results = await session.run({ [input]: new Ort.Tensor('float32', data, dims) });
  const tensor = results[output];
  if (!tensor) throw new Error(`the session returned no '${output}'`);
  return tensor.data as Float32Array;
}

export class FaceTracker {
  private recognition: Promise<Session> | undefined;
  private closed = false;

  private constructor(
    private readonly detector: Session,
    private readonly landmarker: Session,
    readonly detectorSize: 224 | 416,
    private readonly scoreThreshold: number,
    private readonly threads: number,
    private readonly modelDir: string | undefined,
  ) {}

  static async open(options: FaceTrackerOptions = {}): Promise<FaceTracker> {
    const threads = options.threads ?? 1;
    const size = options.detectorSize ?? 416;
    const scoreThreshold = options.scoreThreshold ?? 0.5;
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
    if (size !== 224 && size !== 416) throw new Error(`detectorSize must be 224 or 416, got ${String(size)}`);
    if (!(scoreThreshold > 0 && scoreThreshold < 1)) throw new Error(`scoreThreshold must be in (0, 1), got ${scoreThreshold}`);
    const [detectorWeights, landmarkWeights] = await Promise.all([loadFaceApiWeights('tinyFaceDetector', options.modelDir), loadFaceApiWeights('faceLandmark68', options.modelDir)]);
    const [detector, landmarker] = await Promise.all([
      createSession(buildTinyFaceDetector(detectorWeights, size).bytes, threads),
      createSession(buildFaceLandmark68(landmarkWeights).bytes, threads),
    ]);
    return new FaceTracker(detector, landmarker, size, scoreThreshold, threads, options.modelDir);
  }

  /** Raw detector output [1, 25, cells, cells] for an already normalised [1, 3, S, S] input (tests, diagnostics). */
  async runDetector(input: Float32Array): Promise<Float32Array> {
    this.checkOpen();
    return run(this.detector, 'image', 'grid', input, [1, 3, this.detectorSize, this.detectorSize]);
  }

  /** Raw landmark net output (136 values) for a normalised [1, 3, 112, 112] crop. */
  async runLandmarks(input: Float32Array): Promise<Float32Array> {
    this.checkOpen();
    return run(this.landmarker, 'face', 'landmarks', input, [1, 3, 112, 112]);
  }

  /** Raw 128-d descriptor for a normalised [1, 3, 150, 150] crop. */
  async runRecognition(input: Float32Array): Promise<Float32Array> {
    this.checkOpen();
    this.recognition ??= loadFaceApiWeights('faceRecognition', this.modelDir).then((w) => createSession(buildFaceRecognition(w).bytes, this.threads));
    return run(await this.recognition, 'face', 'descriptor', input, [1, 3, 150, 150]);
  }

  /** Faces in `image`, best score first: box, score and 68 landmarks, as face-api's detectAllFaces(...).withFaceLandmarks() gives them. */
  async detect(image: RgbImage): Promise<TrackedFace[]> {
    this.checkOpen();
    checkImage(image);
    const size = this.detectorSize;
    const input = squareInput(image, { x: 0, y: 0, width: image.width, height: image.height }, false, size, DETECTOR_MEAN);
    const grid = await this.runDetector(input);
    const detections = decodeDetections(grid, size / 32, size, image.width, image.height, this.scoreThreshold);
    const faces: TrackedFace[] = [];
    const crop = new Float32Array(3 * 112 * 112);
    for (const d of detections) {
      const region = clipToImage(d.box, image.width, image.height);
      // face-api drops empty crops; a box wholly outside the frame has no landmarks to give.
      if (region.width <= 0 || region.height <= 0) continue;
      const out = await this.runLandmarks(squareInput(image, region, true, 112, FACE_MEAN, crop));
      faces.push({ box: d.box, score: d.score, landmarks: landmarksToImage(out, region, d.box) });
    }
    return faces;
  }

  /**
   * face-api's 128-d descriptor (withFaceDescriptors) of a face `detect` found in `image`: the crop is
   * face-api's dlib-style alignment square from the eye and mouth landmarks, clipped to the image,
   * padded to a centred square and resized to 150 px.
   */
  async descriptor(image: RgbImage, face: Pick<TrackedFace, 'box' | 'landmarks'>): Promise<Float32Array> {
    this.checkOpen();
    checkImage(image);
    const landmarkCrop = clipToImage(face.box, image.width, image.height);
    const region = clipToImage(dlibAlignedRect(face.landmarks, landmarkCrop), image.width, image.height);
    if (region.width <= 0 || region.height <= 0) throw new Error('the face lies outside the image; no descriptor');
    return Float32Array.from(await this.runRecognition(squareInput(image, region, true, 150, FACE_MEAN)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const sessions: Session[] = [this.detector, this.landmarker];
    if (this.recognition) {
      try {
        sessions.push(await this.recognition);
      } catch {
        // A recognition session that failed to open has nothing to release.
      }
    }
    await Promise.all(sessions.map((s) => s.release()));
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the face tracker is closed');
  }
}

type Sharp = typeof import('sharp');

/** Decodes an image file or encoded bytes (JPEG, PNG, WebP, ...) to 8-bit RGB, EXIF rotation applied, alpha dropped. */
export async function decodeImage(source: string | Uint8Array): Promise<RgbImage> {
  const sharp = loadModule<Sharp>('sharp');
  const path = typeof source === 'string' ? source : 'the image';
  try {
    const { data, info } = await sharp(typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength), { failOn: 'truncated' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT' || /no such file|missing/i.test(reason)) throw new Error(`cannot decode ${path}: the file does not exist`, { cause: error });
    if (/unsupported image format/i.test(reason)) throw new Error(`cannot decode ${path}: not an image (format not recognised)`, { cause: error });
    if (/truncat|premature|end of (data|file)|corrupt|VipsJpeg|read error/i.test(reason)) throw new Error(`cannot decode ${path}: the image is truncated or corrupt (${reason})`, { cause: error });
    throw new Error(`cannot decode ${path}: ${reason}`, { cause: error });
  }
}
