// Verify any video: dropped (or chosen, for keyboard users) with its optional .c2pa sidecar, sent to the studio in slices, and its verdict shown check by check with what it proves; renderer.
import { useState } from 'react';
import type { VerifyVerdict } from '../../../main/contract/compose.js';
import { useClient } from '../../client.js';
import { ErrorBanner, ProgressBar } from '../../design/index.js';
import { asError } from '../twin/shared.js';
import { VerdictBadge, VerdictDetails } from './Verdict.js';
import { VERDICT_LABELS, shortHash } from './format.js';
import { pickVerifyFiles, sendForVerify } from './verify-upload.js';

type Stage =
  | { state: 'idle' }
  | { state: 'sending'; name: string; sent: number; size: number }
  | { state: 'checking'; name: string }
  | { state: 'done'; name: string; sidecar: string | undefined; ignored: string[]; verdict: VerifyVerdict };

export function VerifyDropZone() {
  const client = useClient();
  const [over, setOver] = useState(false);
  const [stage, setStage] = useState<Stage>({ state: 'idle' });
  const [error, setError] = useState<Error>();
  const busy = stage.state === 'sending' || stage.state === 'checking';

  const verify = async (files: File[]) => {
    setError(undefined);
    const picked = pickVerifyFiles(files);
    if ('problem' in picked) {
      setError(new Error(picked.problem));
      return;
    }
    const { video, sidecar, ignored } = picked;
    setStage({ state: 'sending', name: video.name, sent: 0, size: video.size });
    try {
      const verdict = await sendForVerify(client, video, sidecar, (sent) =>
        setStage(sent >= video.size ? { state: 'checking', name: video.name } : { state: 'sending', name: video.name, sent, size: video.size }),
      );
      setStage({ state: 'done', name: video.name, sidecar: sidecar?.name, ignored: ignored.map((f) => f.name), verdict });
    } catch (e) {
      setStage({ state: 'idle' });
      setError(new Error(`${video.name} could not be verified: ${asError(e).message}`));
    }
  };

  return (
    <section className="panel stack" aria-labelledby="compose-verify">
      <h2 id="compose-verify">Verify a video</h2>
      <p className="lede" style={{ margin: 0 }}>
        Check where any video or audio file came from: its C2PA manifest, the audio watermark every render carries, its usage receipt, the twin and the licence.
        A WebM's manifest travels beside it as a .c2pa file: drop the two together.
      </p>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (!busy) void verify(Array.from(e.dataTransfer.files));
        }}
      >
        <p>Drop a video here, with its .c2pa sidecar if it has one.</p>
        <label className="btn btn-secondary" aria-disabled={busy || undefined}>
          Choose a video to verify…
          <input
            type="file"
            multiple
            accept="video/*,audio/*,.mp4,.webm,.m4a,.c2pa"
            className="visually-hidden"
            disabled={busy}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length > 0) void verify(files);
            }}
          />
        </label>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <p role="status" className="visually-hidden">
        {stage.state === 'sending' ? `Sending ${stage.name}…` : stage.state === 'checking' ? `Checking ${stage.name}…` : stage.state === 'done' ? `${stage.name}: ${VERDICT_LABELS[stage.verdict.verdict]}.` : ''}
      </p>
      <div className="stack" style={{ gap: '0.5rem' }}>
        {stage.state === 'sending' ? <ProgressBar fraction={stage.size > 0 ? stage.sent / stage.size : 1} label={`Sending ${stage.name}`} showEta={false} /> : null}
        {stage.state === 'checking' ? (
          <p className="lede" style={{ margin: 0 }}>
            Checking {stage.name}: reading its manifest and listening for the watermark…
          </p>
        ) : null}
        {stage.state === 'done' ? (
          <div className="stack" style={{ gap: '0.5rem' }} role="group" aria-label={`Verdict for ${stage.name}`}>
            <p style={{ margin: 0 }}>
              <VerdictBadge verdict={stage.verdict} /> <strong>{stage.name}</strong>
              {stage.sidecar ? ` with its sidecar ${stage.sidecar}` : ''}
              {stage.verdict.receiptId ? (
                <>
                  {' '}
                  — receipt <code title={stage.verdict.receiptId}>{shortHash(stage.verdict.receiptId)}</code>
                </>
              ) : null}
              {stage.verdict.twin ? (
                <>
                  , twin <code title={stage.verdict.twin}>{shortHash(stage.verdict.twin)}</code>
                </>
              ) : null}
            </p>
            {stage.ignored.length > 0 ? (
              <p className="lede" style={{ margin: 0 }}>
                Left out (one video and one sidecar at a time): {stage.ignored.join(', ')}.
              </p>
            ) : null}
            <VerdictDetails verdict={stage.verdict} />
          </div>
        ) : null}
      </div>
    </section>
  );
}
