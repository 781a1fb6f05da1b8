// Seal a new twin: choose the voice and face model versions, name it, include the consent take, write its rules; renderer.
import { type FormEvent, useState } from 'react';
import { defaultTwinRules } from '../../../main/contract/models.js';
import type { FaceModel, TwinSummary, VoiceModel } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { draftFromRules } from './rules-draft.js';
import { RulesEditor, useRulesPreview } from './RulesEditor.js';
import { asError, formatWhen } from './shared.js';

const voiceLabel = (m: VoiceModel) =>
  `Version ${m.version} · ${formatWhen(m.createdAt)} · distortion ${Number.isFinite(m.report.mcdConvertedDb) ? `${m.report.mcdConvertedDb.toFixed(2)} dB` : '–'}`;
const faceLabel = (m: FaceModel) => `Version ${m.version} · ${formatWhen(m.createdAt)} · mouth SSIM ${Number.isFinite(m.report.model.ssim) ? m.report.model.ssim.toFixed(3) : '–'}`;

export interface BuildTwinProps {
  unlocked: boolean;
  onBuilt: (twin: TwinSummary) => void;
}

export function BuildTwin({ unlocked, onBuilt }: BuildTwinProps) {
  const client = useClient();
  const toast = useToast();
  const voices = useCall('voice.models', {});
  const faces = useCall('face.models', {});
  const consents = useCall('consent.list', {});
  const [name, setName] = useState('My twin');
  // undefined: the newest version (the default); '': none of this kind.
  const [voiceChoice, setVoiceChoice] = useState<string>();
  const [faceChoice, setFaceChoice] = useState<string>();
  const [consent, setConsent] = useState(true);
  const [draft, setDraft] = useState(() => draftFromRules(defaultTwinRules()));
  const preview = useRulesPreview(draft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const voiceModel = voiceChoice ?? voices.data?.at(-1)?.id ?? '';
  const faceModel = faceChoice ?? faces.data?.at(-1)?.id ?? '';
  const noModels = voices.data?.length === 0 && faces.data?.length === 0;
  const acceptedConsent = consents.data?.some((c) => c.accepted);
  const missing = !unlocked
    ? 'Unlock your identity above to seal.'
    : voiceModel === '' && faceModel === ''
      ? 'Choose a voice model, a face model or both.'
      : name.trim() === ''
        ? 'Name the twin.'
        : !preview.ready
          ? preview.checking
            ? 'Checking the rules…'
            : 'Fix the rules first.'
          : undefined;

  const seal = (e: FormEvent) => {
    e.preventDefault();
    if (missing) return;
    setBusy(true);
    setError(undefined);
    client
      .call('twin.pack', { name: name.trim(), rules: preview.rules, consent, ...(voiceModel ? { voiceModel } : {}), ...(faceModel ? { faceModel } : {}) })
      .then(
        (twin) => {
          toast(`Sealed “${twin.name}”: encrypted and signed`, 'success');
          onBuilt(twin);
        },
        (err: unknown) => setError(asError(err)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel stack" aria-labelledby="twin-build">
      <h2 id="twin-build">Seal a new twin</h2>
      <p className="lede">
        Your chosen model versions, their reports and your consent take are encrypted with a key only you hold; the rules and a description stay readable by
        anyone, and your identity signs the whole.
      </p>
      {voices.error ? <ErrorBanner error={voices.error} onRetry={voices.reload} /> : null}
      {faces.error ? <ErrorBanner error={faces.error} onRetry={faces.reload} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {noModels ? (
        <div className="row">
          <p className="lede" style={{ margin: 0 }}>
            Sealing a twin needs a trained voice or face model, and there is none yet.
          </p>
          <Button variant="primary" onClick={() => (window.location.hash = '#/train')}>
            Go to Train
          </Button>
        </div>
      ) : (
        <form className="stack" onSubmit={seal} aria-label="Seal a new twin">
          <div className="row" style={{ alignItems: 'flex-end' }}>
            <label className="field" htmlFor="twin-name">
              Name
              <input id="twin-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} required />
            </label>
            <label className="field" htmlFor="twin-voice-model">
              Voice model
              <select id="twin-voice-model" value={voiceModel} onChange={(e) => setVoiceChoice(e.target.value)}>
                <option value="">None</option>
                {[...(voices.data ?? [])].reverse().map((m) => (
                  <option key={m.id} value={m.id}>
                    {voiceLabel(m)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" htmlFor="twin-face-model">
              Face model
              <select id="twin-face-model" value={faceModel} onChange={(e) => setFaceChoice(e.target.value)}>
                <option value="">None</option>
                {[...(faces.data ?? [])].reverse().map((m) => (
                  <option key={m.id} value={m.id}>
                    {faceLabel(m)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label className="choice">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} aria-describedby="twin-consent-help" />
            Include my newest accepted consent take
          </label>
          <p id="twin-consent-help" className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
            {acceptedConsent === false
              ? 'You have no accepted consent take yet, so the twin will say it was sealed without one. Record one in Capture → Consent.'
              : 'The recording of you reading a random sentence, and its check, go in encrypted: proof that the twin is yours.'}
          </p>
          <h3>Rules</h3>
          <RulesEditor draft={draft} onChange={setDraft} preview={preview} label="Rules for the new twin" />
          <div className="row">
            <Button type="submit" variant="primary" busy={busy} disabled={missing !== undefined} aria-describedby={missing ? 'twin-build-missing' : undefined}>
              Seal twin
            </Button>
            {missing ? (
              <span id="twin-build-missing" className="lede">
                {missing}
              </span>
            ) : null}
          </div>
        </form>
      )}
    </section>
  );
}
