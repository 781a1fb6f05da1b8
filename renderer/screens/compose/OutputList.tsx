// The project's rendered outputs: what each is, where its files are, its provenance verified by the studio (badge, checks, strength) and an inline preview player; renderer.
import { useCallback, useEffect, useState } from 'react';
import type { ComposeOutput, VerifyVerdict } from '../../../main/contract/compose.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner } from '../../design/index.js';
import { asError, formatWhen } from '../twin/shared.js';
import { formatDuration, shortHash } from './format.js';
import { VerdictBadge, VerdictDetails } from './Verdict.js';

type VerifyState = { state: 'checking' } | { state: 'done'; verdict: VerifyVerdict } | { state: 'failed'; error: Error };

/** Verifies the listed outputs one at a time (each reads the whole file and its watermark), and one again on demand. */
function useOutputVerdicts(outputs: readonly ComposeOutput[]) {
  const client = useClient();
  const [results, setResults] = useState<Record<string, VerifyState>>({});
  const next = outputs.find((o) => results[o.id] === undefined);
  const nextId = next?.id;
  const nextPath = next?.path;
  useEffect(() => {
    if (!nextId || !nextPath) return;
    let live = true;
    client.call('compose.verifyFile', { path: nextPath }).then(
      (verdict) => live && setResults((all) => ({ ...all, [nextId]: { state: 'done', verdict } })),
      (error: unknown) => live && setResults((all) => ({ ...all, [nextId]: { state: 'failed', error: asError(error) } })),
    );
    return () => {
      live = false;
    };
  }, [client, nextId, nextPath]);
  const again = useCallback(
    (id: string) =>
      setResults((all) => {
        const { [id]: _dropped, ...rest } = all;
        return rest;
      }),
    [],
  );
  return { of: (id: string): VerifyState => results[id] ?? { state: 'checking' }, again };
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** The output's file as a blob URL (the page's CSP allows blob: media), revoked when the player closes. */
function Player({ output }: { output: ComposeOutput }) {
  const client = useClient();
  const [media, setMedia] = useState<{ url: string; audio: boolean }>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let live = true;
    let made: string | undefined;
    client.call('compose.media', { id: output.id }).then(
      ({ mediaType, data }) => {
        if (!live) return;
        made = URL.createObjectURL(new Blob([fromBase64(data)], { type: mediaType }));
        setMedia({ url: made, audio: mediaType.startsWith('audio/') });
      },
      (e: unknown) => live && setError(asError(e)),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [client, output.id]);
  if (error) return <ErrorBanner error={error} />;
  if (!media) {
    return (
      <p className="lede" role="status" style={{ margin: 0 }}>
        Loading the preview…
      </p>
    );
  }
  return media.audio ? (
    <audio controls src={media.url} aria-label={`Preview of ${output.title}`} style={{ width: '100%' }} />
  ) : (
    <video controls src={media.url} className="video-player" aria-label={`Preview of ${output.title}`} />
  );
}

function Provenance({ state, onAgain }: { state: VerifyState; onAgain: () => void }) {
  if (state.state === 'checking') {
    return (
      <p style={{ margin: 0 }}>
        <span className="chip">Verifying…</span>
      </p>
    );
  }
  if (state.state === 'failed') {
    return (
      <div className="row">
        <span className="chip chip-warn">Could not verify: {state.error.message}</span>
        <Button variant="ghost" onClick={onAgain}>
          Verify again
        </Button>
      </div>
    );
  }
  return (
    <details>
      <summary>
        Provenance: <VerdictBadge verdict={state.verdict} />
      </summary>
      <div className="stack" style={{ gap: '0.5rem', marginTop: '0.5rem' }}>
        <VerdictDetails verdict={state.verdict} />
        <div className="row">
          <Button variant="ghost" onClick={onAgain}>
            Verify again
          </Button>
        </div>
      </div>
    </details>
  );
}

function OutputItem({ output, verify, onVerifyAgain }: { output: ComposeOutput; verify: VerifyState; onVerifyAgain: () => void }) {
  const [previewing, setPreviewing] = useState(false);
  const titleId = `compose-output-${output.id}`;
  return (
    <li className="stack" aria-labelledby={titleId} data-output-id={output.id} style={{ gap: '0.5rem', padding: '0.75rem 1rem', border: '1px solid var(--border)', borderRadius: 'var(--radius)' }}>
      <h3 id={titleId} style={{ margin: 0 }}>
        {output.title}
      </h3>
      <dl className="facts" style={{ fontSize: '0.9rem' }}>
        <dt>Format</dt>
        <dd>{output.format === 'm4a' ? 'M4A (audio only)' : output.format.toUpperCase()}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(output.seconds)}</dd>
        <dt>Languages</dt>
        <dd>{output.languages.join(', ')}</dd>
        <dt>Created</dt>
        <dd>{formatWhen(output.createdAt)}</dd>
        <dt>Receipt</dt>
        <dd>
          <code title={output.receiptId}>{shortHash(output.receiptId)}</code>
        </dd>
        <dt>Rendered as</dt>
        <dd>{output.licence === 'owner' ? 'the twin’s owner' : <>licensee, licence <code title={output.licence}>{shortHash(output.licence)}</code></>}</dd>
        <dt>File</dt>
        <dd>
          <code>{output.path}</code>
        </dd>
        <dt>Subtitles</dt>
        <dd>
          <code>{output.subtitles.vtt}</code>
          <br />
          <code>{output.subtitles.srt}</code>
        </dd>
        {output.sidecar ? (
          <>
            <dt>C2PA sidecar</dt>
            <dd>
              <code>{output.sidecar}</code>
            </dd>
          </>
        ) : null}
      </dl>
      <Provenance state={verify} onAgain={onVerifyAgain} />
      <div className="row">
        <Button onClick={() => setPreviewing((open) => !open)} aria-expanded={previewing} aria-controls={`${titleId}-player`}>
          {previewing ? 'Hide preview' : 'Preview'}
        </Button>
      </div>
      <div id={`${titleId}-player`}>{previewing ? <Player output={output} /> : null}</div>
    </li>
  );
}

export interface OutputListProps {
  outputs: ComposeOutput[] | undefined;
  error: Error | undefined;
  onRetry: () => void;
}

export function OutputList({ outputs, error, onRetry }: OutputListProps) {
  const list = outputs ?? [];
  const verdicts = useOutputVerdicts(list);
  return (
    <section className="panel stack" aria-labelledby="compose-outputs">
      <h2 id="compose-outputs">Outputs</h2>
      {error ? <ErrorBanner error={error} onRetry={onRetry} /> : null}
      {outputs === undefined ? (
        error ? null : (
          <p className="lede" role="status">
            Loading the outputs…
          </p>
        )
      ) : list.length === 0 ? (
        <p className="lede" style={{ margin: 0 }}>
          Nothing rendered from this script yet. Each render lands here with its subtitles, its usage receipt and its provenance, marked as AI-generated.
        </p>
      ) : (
        <ul aria-label="Rendered outputs" className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {list.map((output) => (
            <OutputItem key={output.id} output={output} verify={verdicts.of(output.id)} onVerifyAgain={() => verdicts.again(output.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}
