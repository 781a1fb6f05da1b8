// face-api's pre- and post-processing in plain TypeScript: pad-to-square + tfjs-exact bilinear resize, box decoding, NMS, crops and landmark mapping; main process and workers.

/** An 8-bit RGB image, rows top to bottom, 3 bytes a pixel. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type Mean = readonly [number, number, number];

/** TinyFaceDetector's mean RGB, subtracted before dividing by 255. */
export const DETECTOR_MEAN: Mean = [117.001, 114.697, 97.404];
/** FaceFeatureExtractor's (landmarks) and FaceRecognitionNet's mean RGB. */
export const FACE_MEAN: Mean = [122.782, 117.001, 104.298];

/** TinyFaceDetector's anchors (width, height in grid cells) and NMS threshold. */
export const DETECTOR_ANCHORS: readonly (readonly [number, number])[] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
export const DETECTOR_IOU_THRESHOLD = 0.4;

export function checkImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`image size ${width}x${height} is not a positive integer size`);
  if (data.length !== width * height * 3) throw new Error(`image ${width}x${height} needs ${width * height * 3} RGB bytes, got ${data.length}`);
}

/**
 * face-api's `NetInput.toBatchTensor` for one region of `image`: pad to a square with zeros (after the
 * image when `center` is false; with `center`, round(diff / 2) after and the rest before), resize
 * with tfjs's `resizeBilinear` (align corners and half-pixel centres off) to `size`, subtract `mean`
 * and divide by 255. Returns NCHW [1, 3, size, size], rounded to float32 at the same steps as tfjs.
 */
export function squareInput(image: RgbImage, region: Rect, center: boolean, size: number, mean: Mean, out = new Float32Array(3 * size * size)): Float32Array {
  const { x: rx, y: ry, width: w, height: h } = region;
  const side = Math.max(w, h);
  const diff = Math.abs(w - h);
  const before = center ? diff - Math.round(diff * 0.5) : 0;
  const offX = w < h ? before : 0;
  const offY = h < w ? before : 0;
  const stride = image.width * 3;
  const { data } = image;
  const ratio = side / size;
  const plane = size * size;
  const m0 = Math.fround(mean[0]);
  const m1 = Math.fround(mean[1]);
  const m2 = Math.fround(mean[2]);
  // Source columns for each output column: byte offset (or -1 outside the image, a zero pad).
  const colLeft = new Int32Array(size);
  const colRight = new Int32Array(size);
  const colFrac = new Float64Array(size);
  const sourceCol = (c: number): number => {
    const cx = c - offX;
    return cx >= 0 && cx < w ? (rx + cx) * 3 : -1;
  };
  for (let c = 0; c < size; c++) {
    const src = ratio * c;
    const floor = Math.max(0, Math.floor(src));
    colFrac[c] = src - floor;
    colLeft[c] = sourceCol(floor);
    colRight[c] = sourceCol(Math.min(side - 1, Math.ceil(src)));
  }
  const px = (row: number, col: number, ch: number): number => (row < 0 || col < 0 ? 0 : data[row + col + ch]!);
  for (let r = 0; r < size; r++) {
    const src = ratio * r;
    const floor = Math.max(0, Math.floor(src));
    const rowFrac = src - floor;
    const sourceRow = (y: number): number => {
      const cy = y - offY;
      return cy >= 0 && cy < h ? (ry + cy) * stride : -1;
    };
    const top = sourceRow(floor);
    const bottom = sourceRow(Math.min(side - 1, Math.ceil(src)));
    for (let c = 0; c < size; c++) {
      const left = colLeft[c]!;
      const right = colRight[c]!;
      const cf = colFrac[c]!;
      for (let ch = 0; ch < 3; ch++) {
        const tl = px(top, left, ch);
        const tr = px(top, right, ch);
        const bl = px(bottom, left, ch);
        const br = px(bottom, right, ch);
        const t = tl + (tr - tl) * cf;
        const b = bl + (br - bl) * cf;
        const v = Math.fround(t + (b - t) * rowFrac);
        const centred = Math.fround(v - (ch === 0 ? m0 : ch === 1 ? m1 : m2));
        out[ch * plane + r * size + c] = centred / 255;
      }
    }
  }
  return out;
}

export interface Detection {
  /** In image pixels; may reach past the image borders, as face-api's does. */
  readonly box: Rect;
  readonly score: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Candidate {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly score: number;
}

function iou(a: Candidate, b: Candidate): number {
  const width = Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left));
  const height = Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const inter = width * height;
  const area = (c: Candidate): number => (c.right - c.left) * (c.bottom - c.top);
  return inter / (area(a) + area(b) - inter);
}

/** face-api's greedy NMS: highest score first (ties: the later candidate), drop overlaps above the threshold. */
export function nonMaxSuppression(boxes: readonly Candidate[], iouThreshold: number): number[] {
  let order = boxes
    .map((b, i) => ({ score: b.score, i }))
    .sort((a, b) => a.score - b.score)
    .map((c) => c.i);
  const pick: number[] = [];
  while (order.length > 0) {
    const current = order.pop()!;
    pick.push(current);
    const box = boxes[current]!;
    order = order.filter((i) => iou(box, boxes[i]!) <= iouThreshold);
  }
  return pick;
}

/**
 * TinyFaceDetector's box decoding (TinyYolov2Base.extractBoxes + detect): `grid` is the network's
 * NCHW output [1, 25, cells, cells]; boxes are mapped back through the pad-to-square, NMS'd at IoU
 * 0.4 and scaled to the image.
 */
export function decodeDetections(grid: Float32Array, cells: number, inputSize: number, imageWidth: number, imageHeight: number, scoreThreshold: number): Detection[] {
  const scale = inputSize / Math.max(imageWidth, imageHeight);
  const correctionX = inputSize / Math.round(imageWidth * scale);
  const correctionY = inputSize / Math.round(imageHeight * scale);
  const plane = cells * cells;
  const at = (anchor: number, field: number, row: number, col: number): number => grid[(anchor * 5 + field) * plane + row * cells + col]!;
  const found: Candidate[] = [];
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (let anchor = 0; anchor < DETECTOR_ANCHORS.length; anchor++) {
        const score = sigmoid(at(anchor, 4, row, col));
        if (!(score > scoreThreshold)) continue;
        const [aw, ah] = DETECTOR_ANCHORS[anchor]!;
        const cx = ((col + sigmoid(at(anchor, 0, row, col))) / cells) * correctionX;
        const cy = ((row + sigmoid(at(anchor, 1, row, col))) / cells) * correctionY;
        const w = ((Math.exp(at(anchor, 2, row, col)) * aw) / cells) * correctionX;
        const h = ((Math.exp(at(anchor, 3, row, col)) * ah) / cells) * correctionY;
        const x = cx - w / 2;
        const y = cy - h / 2;
        found.push({ left: x, top: y, right: x + w, bottom: y + h, score });
      }
    }
  }
  const scaled = found.map((b) => ({ left: b.left * inputSize, top: b.top * inputSize, right: b.right * inputSize, bottom: b.bottom * inputSize, score: b.score }));
  return nonMaxSuppression(scaled, DETECTOR_IOU_THRESHOLD).map((i) => {
    const b = found[i]!;
    const width = b.right - b.left;
    const height = b.bottom - b.top;
    return { score: b.score, box: { x: b.left * imageWidth, y: b.top * imageHeight, width: width * imageWidth, height: height * imageHeight } };
  });
}

/** face-api's Box.clipAtImageBorders (then floor): the integer region cropped for the landmark and recognition nets. */
export function clipToImage(box: Rect, imageWidth: number, imageHeight: number): Rect {
  const x = Math.max(box.x, 0);
  const y = Math.max(box.y, 0);
  const width = Math.min(box.x + box.width - x, imageWidth - x);
  const height = Math.min(box.y + box.height - y, imageHeight - y);
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(width), height: Math.floor(height) };
}

/**
 * FaceLandmark68NetBase.postProcess + extendWithFaceLandmarks: the net's 136 outputs (relative to the
 * centred square crop) to image pixels. As in face-api, the shift is the detection box's corner, not
 * the clipped, floored crop's.
 */
export function landmarksToImage(output: Float32Array, crop: Rect, box: Rect, inputSize = 112): [number, number][] {
  const scale = inputSize / Math.max(crop.width, crop.height);
  const w = crop.width * scale;
  const h = crop.height * scale;
  const padX = w < h ? Math.abs(w - h) / 2 : 0;
  const padY = h < w ? Math.abs(w - h) / 2 : 0;
  const points: [number, number][] = [];
  for (let i = 0; i < 68; i++) {
    const rx = (output[2 * i]! * inputSize - padX) / w;
    const ry = (output[2 * i + 1]! * inputSize - padY) / h;
    points.push([rx * crop.width + box.x, ry * crop.height + box.y]);
  }
  return points;
}

function centre(points: readonly (readonly [number, number])[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}

/**
 * FaceLandmarks.align(null, { useDlibAlignment: true }), the region face-api's withFaceDescriptors
 * describes: a square of side floor(mean eye-to-mouth distance / 0.45) placed around the centre of the
 * eye and mouth centres. `crop` is the region the landmarks were computed on: face-api caps the side
 * with the crop's size (plus the offset), a quirk kept so descriptors agree.
 */
export function dlibAlignedRect(landmarks: readonly (readonly [number, number])[], crop: Pick<Rect, 'width' | 'height'>): Rect {
  if (landmarks.length !== 68) throw new Error(`expected 68 landmarks, got ${landmarks.length}`);
  const leftEye = centre(landmarks.slice(36, 42));
  const rightEye = centre(landmarks.slice(42, 48));
  const mouth = centre(landmarks.slice(48, 68));
  const toMouth = (p: readonly [number, number]): number => Math.sqrt((mouth[0] - p[0]) ** 2 + (mouth[1] - p[1]) ** 2);
  const size = Math.floor((toMouth(leftEye) + toMouth(rightEye)) / 2 / 0.45);
  const ref = centre([leftEye, rightEye, mouth]);
  const x = Math.floor(Math.max(0, ref[0] - 0.5 * size));
  const y = Math.floor(Math.max(0, ref[1] - 0.43 * size));
  return { x, y, width: Math.min(size, crop.width + x), height: Math.min(size, crop.height + y) };
}
