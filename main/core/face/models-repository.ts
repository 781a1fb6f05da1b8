// The trained face models, numbered versions with their reports, idle loops and side-by-side samples; main process.
import { FaceModel } from '../../contract/models.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';
import { VersionedModels } from '../store/repositories/versioned-models.js';

export class FaceModelsRepository extends VersionedModels<FaceModel> {
  constructor(db: Db, blobs: BlobStore) {
    super(db, blobs, {
      table: 'face_models',
      extraColumn: 'assets',
      idPrefix: 'face',
      parse: (value) => FaceModel.parse(value),
      extra: (model) => ({ idle: model.idle, sample: model.sample }),
      fromRow: ({ extra, ...base }) => ({ ...base, ...(extra as object) }),
      digests: (m) => [m.model, m.idle, ...(m.sample ? [m.sample] : [])],
      none: 'No face model yet: train one first (Train → Face, or `likeness face train`).',
    });
  }
}
