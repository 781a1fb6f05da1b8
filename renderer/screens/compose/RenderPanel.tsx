// The render panel: twin, purpose, format, resolution, the licence a licensee renders under, audio only for a twin without a face; the rules check with each refusal linked to its segment, and the render job's progress, stage, time left and Cancel; renderer.
import { useState } from 'react';
import type { CallInput } from '../../../main/contract/calls.js';
import type { ComposeFormat, ComposeResolution } from '../../../main/contract/compose.js';
import { type Job, TWIN_PURPOSES, type TwinPurpose, type TwinSummary } from '../../../main/contract/models.js';
import { useCall } from '../../client.js';
import { Button, ErrorBanner, ProgressBar } from '../../design/index.js';
import type { IdentityState } from '../twin/IdentityGate.js';
import { PURPOSE_LABELS } from '../twin/rules-draft.js';
import { formatWhen, sameAddress, shortAddress } from '../twin/shared.js';
import { ruleLabel, shortHash } from './format.js';

/** What the creator chose; the screen adds the project (saved first). */
export type RenderChoice = Omit<CallInput<'compose.render'>, 'project'>;

interface Refusal {
  path: string;
  message: string;
  /** The segment it names, where it still is in the editor (its key, and its number now). */
  segment: { key: number; number: number } | undefined;
}

export interface CheckView {
  allowed: boolean;
  languages: string[];
  audioOnly: boolean;
  refusals: Refusal[];
  /** The script changed since: the answer may no longer hold. */
  stale: boolean;
}

const STATE_LABELS: Record<Job['state'], string> = {
  queued: 'Waiting',
  running: 'Rendering',
  paused: 'Paused',
  completed: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export const isActive = (job: Job) => job.state === 'queued' || job.state === 'running' || job.state === 'paused';

function RenderJob({ job, onCancel }: { job: Job; onCancel: (job: Job) => void }) {
  const active = isActive(job);
  return (
    <div className="job-card" data-job-id={job.id} data-state={job.state}>
      <div className="job-head">
        <h3>{job.title}</h3>
        <span className={`badge badge-${job.state}`}>{STATE_LABELS[job.state]}</span>
      </div>
      {active ? <ProgressBar fraction={job.progress.fraction} etaSeconds={job.progress.etaSeconds} label="Render progress" /> : null}
      {active ? (
        <div className="job-actions">
          <Button onClick={() => onCancel(job)}>Cancel render</Button>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The stage in words, in a live region that is always on the page (so each change is announced) and polite (so typing
 * is not interrupted); the time left stays in the progress bar, where it would be read out every second.
 */
function stageWords(job: Job | undefined): string {
  if (!job) return '';
  if (isActive(job)) return `${STATE_LABELS[job.state]}: ${job.progress.message || 'starting…'}`;
  if (job.state === 'completed') return `${job.title}: finished. The file is in Outputs below.`;
  if (job.state === 'failed') return `${job.title}: failed. ${job.error ?? ''}`;
  return `${job.title}: ${STATE_LABELS[job.state].toLowerCase()}.`;
}

export interface RenderPanelProps {
  identity: IdentityState;
  twins: TwinSummary[] | undefined;
  twinsError: Error | undefined;
  onRetryTwins: () => void;
  check: CheckView | undefined;
  busy: 'check' | 'render' | undefined;
  error: Error | undefined;
  onDismissError: () => void;
  onCheck: (choice: RenderChoice) => void;
  onRender: (choice: RenderChoice) => void;
  onShowSegment: (key: number) => void;
  /** The render this screen follows: the one started here, else one the studio is running. */
  job: Job | undefined;
  onCancel: (job: Job) => void;
}

export function RenderPanel({ identity, twins, twinsError, onRetryTwins, check, busy, error, onDismissError, onCheck, onRender, onShowSegment, job, onCancel }: RenderPanelProps) {
  const [twinId, setTwinId] = useState<string>();
  const [purposeChoice, setPurposeChoice] = useState<TwinPurpose>();
  const [format, setFormat] = useState<ComposeFormat>('mp4');
  const [resolution, setResolution] = useState<ComposeResolution>('512');
  const [audioOnlyChoice, setAudioOnly] = useState(false);
  const [licenceChoice, setLicenceChoice] = useState<string>();
  const list = twins ?? [];
  const twin = list.find((t) => t.id === twinId) ?? list[0];
  const licences = useCall('ledger.licences', twin ? { twinId: twin.id } : {});

  const me = identity.address;
  const owner = twin !== undefined && sameAddress(me, twin.owner);
  // Only licences granted to this identity can render; an owner's list also holds the ones they granted to others.
  const held = (licences.data ?? []).filter((r) => r.twinId === twin?.id && r.state === 'granted' && r.grant !== null && (me === undefined || sameAddress(r.request.licensee, me)));
  const licence = owner ? undefined : (held.find((r) => r.licenseHash === licenceChoice) ?? held[0]);
  const purpose = purposeChoice ?? licence?.request.purpose ?? twin?.rules.purposes[0] ?? 'personal';
  const hasFace = twin?.parts.some((p) => p.name === 'face-model') ?? true;
  const audioOnly = !hasFace && audioOnlyChoice;

  const blockers: string[] = [];
  if (!identity.status) blockers.push('Checking your identity…');
  else if (!identity.status.exists) blockers.push('Rendering signs a usage receipt with your identity: create one in Settings first.');
  else if (!identity.unlocked) blockers.push('Unlock your identity above: the studio signs each render’s receipt with it.');
  if (twin && !owner && licences.data === undefined) blockers.push('Looking for the licences you hold…');
  else if (twin && !owner && me !== undefined && !licence) {
    blockers.push(`You are not ${twin.name}'s owner and hold no granted licence for it: ask its owner (${shortAddress(twin.owner)}) for one.`);
  }
  if (twin && !twin.parts.some((p) => p.name === 'voice-model')) blockers.push(`${twin.name} holds no voice model, so it cannot speak a script.`);
  if (twin && !hasFace && !audioOnly) blockers.push(`${twin.name} has no face model: tick “Audio only” to render the voice alone.`);
  const rendering = job !== undefined && isActive(job);
  const ready = twin !== undefined && blockers.length === 0;

  const run = (action: (choice: RenderChoice) => void) => {
    if (twin) action({ twinId: twin.id, purpose, format, resolution, audioOnly, ...(licence ? { licenseHash: licence.licenseHash } : {}) });
  };

  return (
    <section className="panel stack" aria-labelledby="compose-render">
      <h2 id="compose-render">Render</h2>
      {twinsError ? <ErrorBanner error={twinsError} onRetry={onRetryTwins} /> : null}
      {licences.error ? <ErrorBanner error={licences.error} onRetry={licences.reload} /> : null}
      {twins === undefined ? (
        twinsError ? null : (
          <p className="lede" role="status">
            Loading your twins…
          </p>
        )
      ) : !twin ? (
        <p className="lede" style={{ margin: 0 }}>
          Rendering needs a sealed twin: seal one from your trained models on the <a href="#/twin">Twin screen</a>, or receive one you hold a licence for.
        </p>
      ) : (
        <>
          <div className="row" style={{ alignItems: 'flex-end' }}>
            <div className="field">
              <label htmlFor="compose-twin">Twin</label>
              <select id="compose-twin" value={twin.id} onChange={(e) => setTwinId(e.target.value)}>
                {list.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.id})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="compose-purpose">Purpose</label>
              <select id="compose-purpose" value={purpose} onChange={(e) => setPurposeChoice(TWIN_PURPOSES.find((p) => p === e.target.value))}>
                {TWIN_PURPOSES.map((p) => (
                  <option key={p} value={p}>
                    {PURPOSE_LABELS[p]}
                    {twin.rules.purposes.includes(p) ? '' : ' (not in the twin’s rules)'}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="compose-format">Format</label>
              <select id="compose-format" value={format} disabled={audioOnly} onChange={(e) => setFormat(e.target.value === 'webm' ? 'webm' : 'mp4')}>
                <option value="mp4">MP4 (H.264, C2PA inside)</option>
                <option value="webm">WebM (VP9, C2PA sidecar)</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="compose-resolution">Resolution</label>
              <select id="compose-resolution" value={resolution} disabled={audioOnly} onChange={(e) => setResolution(e.target.value === '1080p' ? '1080p' : '512')}>
                <option value="512">512 × 512 (as trained)</option>
                <option value="1080p">1080p (upscaled, framed)</option>
              </select>
            </div>
          </div>
          <p className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
            {owner ? (
              <>You own {twin.name}: you render it under its rules, no licence needed.</>
            ) : (
              <>
                {twin.name} belongs to <span title={twin.owner}>{shortAddress(twin.owner)}</span>: you render it under a licence they granted you, within its
                rules.
              </>
            )}{' '}
            Rules: {twin.rulesSummary.join(' ')}
          </p>
          {!owner && held.length > 0 ? (
            <div className="field">
              <label htmlFor="compose-licence">Licence</label>
              <select id="compose-licence" value={licence?.licenseHash ?? ''} onChange={(e) => setLicenceChoice(e.target.value)}>
                {held.map((r) => (
                  <option key={r.licenseHash} value={r.licenseHash}>
                    {PURPOSE_LABELS[r.request.purpose]}, {r.request.languages.join(', ')}, until {formatWhen(r.request.term.to)}, up to {r.request.maxRenders} renders (
                    {shortHash(r.licenseHash)})
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          {hasFace ? null : (
            <div className="stack" style={{ gap: '0.2rem' }}>
              <label className="choice">
                <input type="checkbox" checked={audioOnlyChoice} onChange={(e) => setAudioOnly(e.target.checked)} aria-describedby="compose-audio-help" />
                Audio only
              </label>
              <span id="compose-audio-help" className="lede" style={{ fontSize: '0.85rem' }}>
                {twin.name} has no face model: it can only speak. Audio only renders the voice alone, as an M4A file with its subtitles.
              </span>
            </div>
          )}
        </>
      )}
      {blockers.length > 0 && twin ? (
        <ul id="compose-render-blockers" className="lede" style={{ margin: 0, paddingLeft: '1.2rem', fontSize: '0.85rem' }}>
          {blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : null}
      <div className="row">
        <Button onClick={() => run(onCheck)} busy={busy === 'check'} disabled={!ready || busy !== undefined} aria-describedby={blockers.length > 0 ? 'compose-render-blockers' : undefined}>
          Check rules
        </Button>
        <Button
          variant="primary"
          onClick={() => run(onRender)}
          busy={busy === 'render'}
          disabled={!ready || busy !== undefined || rendering}
          aria-describedby={blockers.length > 0 ? 'compose-render-blockers' : rendering ? 'compose-render-running' : undefined}
        >
          Render
        </Button>
        {rendering ? (
          <span id="compose-render-running" className="lede" style={{ fontSize: '0.85rem' }}>
            One render at a time: wait for this one or cancel it.
          </span>
        ) : null}
      </div>
      {error ? <ErrorBanner error={error} onDismiss={onDismissError} /> : null}
      {check ? (
        <div className="stack" style={{ gap: '0.35rem', opacity: check.stale ? 0.7 : 1 }} aria-label="Rules check" role="group">
          {check.stale ? <p style={{ margin: 0 }}>The script changed since this check: check again.</p> : null}
          {check.allowed ? (
            <p style={{ margin: 0 }}>
              <span className="chip chip-pass">Allowed</span> The twin’s rules{licence ? ' and your licence' : ''} allow this script, in {check.languages.join(', ') || 'no language'}
              {check.audioOnly ? ', as audio only' : ''}.
            </p>
          ) : (
            <>
              <p style={{ margin: 0 }}>
                <span className="chip chip-fail">Refused</span> {check.refusals.length === 1 ? 'One reason' : `${check.refusals.length} reasons`} this script cannot be
                rendered:
              </p>
              <ul aria-label="Refusals" className="stack" style={{ margin: 0, paddingLeft: '1.2rem', gap: '0.25rem' }}>
                {check.refusals.map((r, i) => (
                  <li key={`${i}:${r.path}`}>
                    <strong>{r.segment ? `Segment ${r.segment.number}` : ruleLabel(r.path)}:</strong> {r.message}{' '}
                    {r.segment ? (
                      <Button variant="ghost" onClick={() => r.segment && onShowSegment(r.segment.key)}>
                        Show segment {r.segment.number}
                      </Button>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ) : null}
      {job ? <RenderJob job={job} onCancel={onCancel} /> : null}
      <p
        role="status"
        aria-live="polite"
        id="compose-render-stage"
        className="job-message"
        style={job?.state === 'failed' ? { color: 'var(--danger)' } : undefined}
      >
        {stageWords(job)}
      </p>
    </section>
  );
}
