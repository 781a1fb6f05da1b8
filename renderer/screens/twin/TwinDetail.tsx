// One twin in full: its parts and sizes, model cards, consent, key holders, current rules in plain words, verification, minting on chain, and the actions on it; renderer.
import { useEffect, useRef, useState } from 'react';
import type { TwinModelCard, TwinPartName, TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, formatBytes } from '../../design/index.js';
import type { IdentityState } from './IdentityGate.js';
import { EraseKeys, ExportTwin, GrantKey, PublishRules, PushTwin, RemoveTwin, RotateKey, type SigningRight } from './TwinActions.js';
import { TwinChain } from './TwinChain.js';
import { VerificationBadge, VerificationProblems, type Verifications } from './TwinList.js';
import { asError, formatWhen, sameAddress, shortAddress } from './shared.js';

const PART_LABELS: Record<TwinPartName, string> = {
  'voice-model': 'Voice model weights',
  'voice-report': 'Voice model report',
  'face-model': 'Face model weights',
  'face-idle': 'Face idle loop (video)',
  'face-report': 'Face model report',
  'consent-record': 'Consent record',
  'consent-take': 'Consent take (video)',
};

/** The figures a model card carries, in words; an unknown one is shown by its name. */
const FIGURES: Record<string, { label: string; format: (v: number) => string }> = {
  mcdConvertedDb: { label: 'Distortion to your real takes', format: (v) => `${v.toFixed(2)} dB` },
  mcdReduction: { label: 'Less than unconverted', format: (v) => `${Math.round(v * 100)}%` },
  f0RmseCents: { label: 'Pitch error', format: (v) => `${Math.round(v)} cents` },
  heldOutTakes: { label: 'Held-out takes', format: (v) => String(v) },
  ssim: { label: 'Mouth SSIM', format: (v) => v.toFixed(3) },
  lmd: { label: 'Mouth landmark distance', format: (v) => `${v.toFixed(2)} px` },
};

function ModelCard({ model }: { model: TwinModelCard }) {
  return (
    <article className="job-card" aria-label={`${model.kind === 'voice' ? 'Voice' : 'Face'} model version ${model.version}`}>
      <div className="job-head">
        <h4 style={{ margin: 0 }}>
          {model.kind === 'voice' ? 'Voice' : 'Face'} model, version {model.version}
        </h4>
        <span className="badge">trained {formatWhen(model.createdAt)}</span>
      </div>
      <dl className="job-result">
        {Object.entries(model.figures).map(([key, value]) => {
          const figure = FIGURES[key];
          return (
            <div key={key}>
              <dt>{figure?.label ?? key}</dt>
              <dd>{Number.isFinite(value) ? (figure ? figure.format(value) : String(value)) : '–'}</dd>
            </div>
          );
        })}
      </dl>
    </article>
  );
}

/** Why the identity may or may not sign for this twin. */
function signingRight(identity: IdentityState, twin: TwinSummary): SigningRight {
  if (!identity.status?.exists) return { can: false, why: 'This needs your identity: create or import one in Settings.' };
  if (!sameAddress(identity.address, twin.owner)) {
    return { can: false, why: `Only its owner ${shortAddress(twin.owner)} can do this; your identity is ${identity.address ? shortAddress(identity.address) : 'another'}.` };
  }
  if (!identity.unlocked) return { can: false, why: 'Unlock your identity above first.' };
  return { can: true, why: undefined };
}

export interface TwinDetailProps {
  twin: TwinSummary;
  identity: IdentityState;
  verifications: Verifications;
  onChanged: () => void;
  onRemoved: () => void;
}

export function TwinDetail({ twin, identity, verifications, onChanged, onRemoved }: TwinDetailProps) {
  const client = useClient();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [decrypting, setDecrypting] = useState(false);
  const [error, setError] = useState<Error>();
  const state = verifications.of(twin);
  const right = signingRight(identity, twin);
  const holdsKey = twin.recipients.some((r) => sameAddress(r.address, identity.address));
  const isOwner = sameAddress(identity.address, twin.owner);

  // Showing a twin moves focus to its heading, as moving to a screen does.
  useEffect(() => {
    headingRef.current?.focus();
  }, [twin.id]);

  const verifyDecrypting = () => {
    setDecrypting(true);
    setError(undefined);
    client
      .call('twin.verify', { id: twin.id, decrypt: true })
      .then((result) => verifications.record(twin, result), (e: unknown) => setError(asError(e)))
      .finally(() => setDecrypting(false));
  };

  return (
    <section className="panel stack" aria-labelledby={`twin-detail-${twin.id}`} data-twin-id={twin.id}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id={`twin-detail-${twin.id}`} ref={headingRef} tabIndex={-1}>
          {twin.name}
        </h2>
        <VerificationBadge state={state} />
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <VerificationProblems state={state} className="" />
      {twin.problems.length > 0 ? (
        <div className="error-banner" role="alert">
          <div>
            <strong>This twin failed some of its checks:</strong>
            <ul>
              {twin.problems.map((p) => (
                <li key={`${p.part}:${p.message}`}>
                  {p.part}: {p.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <div className="row">
        <Button onClick={() => verifications.reverify(twin.id)} busy={state.state === 'checking'}>
          Verify again
        </Button>
        <Button onClick={verifyDecrypting} busy={decrypting} disabled={!identity.unlocked || !holdsKey} aria-describedby={`twin-decrypt-help-${twin.id}`}>
          Verify and decrypt
        </Button>
        <span id={`twin-decrypt-help-${twin.id}`} className="lede">
          {!holdsKey ? 'Decrypting needs a key this copy holds for your identity.' : !identity.unlocked ? 'Unlock your identity to also decrypt every layer.' : 'Also decrypts and authenticates every layer; nothing is written.'}
        </span>
      </div>

      <dl className="facts">
        <dt>Owner</dt>
        <dd>
          <code>{twin.owner}</code>
          {isOwner ? ' (you)' : ''}
        </dd>
        <dt>Sealed</dt>
        <dd>{formatWhen(twin.createdAt)}</dd>
        <dt>Manifest digest</dt>
        <dd>
          <code>{twin.manifestDigest}</code>
        </dd>
        <dt>Twin id</dt>
        <dd>
          <code>{twin.id}</code>
        </dd>
      </dl>

      <h3>Parts</h3>
      <table className="report" aria-label="Encrypted parts">
        <thead>
          <tr>
            <th scope="col">Part</th>
            <th scope="col">Size (encrypted)</th>
          </tr>
        </thead>
        <tbody>
          {twin.parts.map((part) => (
            <tr key={part.name}>
              <th scope="row">{PART_LABELS[part.name]}</th>
              <td>{formatBytes(part.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Models</h3>
      <div className="stack">
        {twin.models.map((model) => (
          <ModelCard key={`${model.kind}-${model.version}`} model={model} />
        ))}
      </div>

      <h3>Consent</h3>
      <p>
        {twin.consent ? (
          <>
            {twin.consent.accepted ? 'Accepted' : 'Not accepted'} consent take ({twin.consent.language}), recorded {formatWhen(twin.consent.createdAt)}.{' '}
            <span className="lede">
              Record <code>{twin.consent.digest}</code>
            </span>
          </>
        ) : (
          'Sealed without a consent take.'
        )}
      </p>

      <h3>Keys</h3>
      {twin.recipients.length === 0 ? (
        <p className="lede">No keys here: they were erased on this computer, so this copy cannot be opened.</p>
      ) : (
        <ul aria-label="Key holders" style={{ margin: 0, paddingLeft: '1.2rem' }}>
          {twin.recipients.map((r) => (
            <li key={r.address}>
              <code>{r.address}</code>
              {sameAddress(r.address, twin.owner) ? ' (owner)' : ''}
              {sameAddress(r.address, identity.address) ? ' (you)' : ''} <span className="lede">granted {formatWhen(r.grantedAt)}</span>
            </li>
          ))}
        </ul>
      )}

      <h3>Rules, version {twin.rulesVersion}</h3>
      <ul aria-label="Current rules" style={{ margin: 0, paddingLeft: '1.2rem' }}>
        {twin.rulesSummary.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className="lede" style={{ fontSize: '0.85rem' }}>
        Rules digest <code>{twin.rulesDigest}</code>
      </p>

      <TwinChain twin={twin} right={right} unlocked={identity.unlocked} />

      <h3>Actions</h3>
      <div className="stack" style={{ gap: '0.5rem' }}>
        <GrantKey twin={twin} onChanged={onChanged} right={right} />
        <PublishRules key={`${twin.id}-${twin.rulesVersion}`} twin={twin} onChanged={onChanged} right={right} />
        <RotateKey twin={twin} onChanged={onChanged} right={right} />
        <ExportTwin twin={twin} />
        <PushTwin twin={twin} />
        <EraseKeys twin={twin} onChanged={onChanged} />
        <RemoveTwin twin={twin} onRemoved={onRemoved} />
      </div>
    </section>
  );
}
