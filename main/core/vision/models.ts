// The face-api networks the face tracker converts to ONNX: where each comes from, its licence and the pinned file hashes; main process and workers.

/** The package the weight files ship in; the hashes below were taken from this version. */
export const FACE_API_PACKAGE = '@vladmandic/face-api';
export const FACE_API_VERSION = '1.7.15';

export type FaceNetworkId = 'tinyFaceDetector' | 'faceLandmark68' | 'faceRecognition';

export interface FaceNetworkFiles {
  readonly id: FaceNetworkId;
  /** What the network does, for error messages and the model list. */
  readonly title: string;
  readonly source: { readonly package: string; readonly version: string; readonly folder: 'model' };
  /** tfjs weights manifest (JSON) and its one weight shard, file names inside `source.folder`. */
  readonly manifest: string;
  readonly bin: string;
  readonly manifestSha256: string;
  readonly binSha256: string;
  readonly binBytes: number;
  readonly licence: 'MIT';
}

const source = { package: FACE_API_PACKAGE, version: FACE_API_VERSION, folder: 'model' } as const;

export const FACE_NETWORKS: Readonly<Record<FaceNetworkId, FaceNetworkFiles>> = {
  tinyFaceDetector: {
    id: 'tinyFaceDetector',
    title: 'TinyFaceDetector (tiny YOLOv2, depthwise-separable)',
    source,
    manifest: 'tiny_face_detector_model-weights_manifest.json',
    bin: 'tiny_face_detector_model.bin',
    manifestSha256: '5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5',
    binSha256: 'b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871',
    binBytes: 193_321,
    licence: 'MIT',
  },
  faceLandmark68: {
    id: 'faceLandmark68',
    title: 'FaceLandmark68Net (68 landmarks, full)',
    source,
    manifest: 'face_landmark_68_model-weights_manifest.json',
    bin: 'face_landmark_68_model.bin',
    manifestSha256: 'ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9',
    binSha256: '4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b',
    binBytes: 356_840,
    licence: 'MIT',
  },
  faceRecognition: {
    id: 'faceRecognition',
    title: 'FaceRecognitionNet (ResNet-34-like, 128-d descriptor)',
    source,
    manifest: 'face_recognition_model-weights_manifest.json',
    bin: 'face_recognition_model.bin',
    manifestSha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
    binSha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589',
    binBytes: 6_444_032,
    licence: 'MIT',
  },
};
