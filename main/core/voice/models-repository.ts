// The trained voice models, numbered versions with their reports and A/B/C samples; main process.
import { VoiceModel } from '../../contract/models.js';
import type { BlobStore } from '../store/blobs.js';
import type { Db } from '../store/database.js';
import { VersionedModels } from '../store/repositories/versioned-models.js';

export class VoiceModelsRepository extends VersionedModels<VoiceModel> {
  constructor(db: Db, blobs: BlobStore) {
    super(db, blobs, {
      table: 'voice_models',
      extraColumn: 'samples',
      idPrefix: 'voice',
      parse: (value) => VoiceModel.parse(value),
      extra: (model) => model.samples,
      fromRow: ({ extra, ...base }) => ({ ...base, samples: extra }),
      digests: (m) => [m.model, ...(m.samples ? [m.samples.source, m.samples.converted, m.samples.real] : [])],
      none: 'No voice model yet: train one first (Train → Voice, or `likeness voice train`).',
    });
  }
}
