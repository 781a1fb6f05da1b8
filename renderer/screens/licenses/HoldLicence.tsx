// A licensee keeps a licence they were granted: the licence file loaded or pasted, the imported twin it is for
// chosen, and the licence checked and kept in the main process so renders can use it; renderer.
import { useId, useState } from 'react';
import { LicenceGrant, type LicenceRecord, type TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { ErrorBanner, useToast } from '../../design/index.js';
import { asError, formatWhen } from '../twin/shared.js';
import { ActionRow, TwinOptions } from './controls.js';
import { JsonFileField } from './files.js';

/** The licence as far as the browser can read it; the studio checks it, its signature included, when it is kept. */
function readGrant(text: string): LicenceGrant | undefined {
  try {
    const parsed = LicenceGrant.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface HoldLicenceProps {
  twins: TwinSummary[] | undefined;
  unlocked: boolean;
  onHeld: () => void;
}

export function HoldLicence({ twins, unlocked, onHeld }: HoldLicenceProps) {
  const client = useClient();
  const toast = useToast();
  const id = useId();
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [held, setHeld] = useState<LicenceRecord>();
  const grant = readGrant(text);
  const list = twins ?? [];
  // The twin the licence names, when it is here, unless another was chosen.
  const twinId = chosen ?? list.find((t) => t.manifestDigest === grant?.request.twin)?.id ?? list[0]?.id;

  const changed = () => {
    setHeld(undefined);
    setError(undefined);
  };

  const hold = () => {
    if (!twinId) return;
    setBusy(true);
    changed();
    client
      .call('ledger.hold', { licence: text, twinId })
      .then(
        (record) => {
          setHeld(record);
          onHeld();
          toast('Licence kept', 'success');
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Keep a granted licence</h3>
      <p className="lede" style={{ margin: 0 }}>
        When the owner grants your request, they send you the licence file and a copy of the twin that your key can open. Receive the twin on the Twin screen
        first, then keep the licence here: renders on the Compose screen can then use it.
      </p>
      <JsonFileField
        label="Licence file (JSON)"
        loadLabel="Load a licence file…"
        value={text}
        onChange={(next) => {
          setText(next);
          changed();
        }}
        onError={setError}
      />
      {text.trim() === '' || grant ? null : (
        <p className="lede" style={{ margin: 0 }}>
          This is not a licence file the browser can read; the studio names what is wrong with it when you keep it.
        </p>
      )}
      {twins !== undefined && list.length === 0 ? (
        <p className="lede" style={{ margin: 0 }}>
          No twin is in this studio yet: receive the twin the licence is for on the Twin screen first.
        </p>
      ) : (
        <label className="field" htmlFor={`${id}-twin`}>
          Twin the licence is for
          <select
            id={`${id}-twin`}
            value={twinId ?? ''}
            onChange={(e) => {
              setChosen(e.target.value);
              changed();
            }}
            disabled={twins === undefined}
          >
            <TwinOptions twins={list} />
          </select>
        </label>
      )}
      <ActionRow
        id={`${id}-hold`}
        label="Keep licence"
        onClick={hold}
        busy={busy}
        disabled={!unlocked || text.trim() === '' || !twinId}
        help={unlocked ? 'The licence must be signed by the twin’s owner and name your identity.' : 'A licence is kept for your identity: unlock it first.'}
      />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {held ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            <span className="badge badge-completed">{held.state}</span> Licence <code style={{ wordBreak: 'break-all' }}>{held.licenseHash}</code> is kept for{' '}
            {list.find((t) => t.id === held.twinId)?.name ?? held.twinId}. Choose it when you render on the Compose screen.
          </p>
          <dl className="facts" aria-label="The licence you keep">
            <dt>Purpose</dt>
            <dd>{held.request.purpose}</dd>
            <dt>Languages</dt>
            <dd>{held.request.languages.join(', ')}</dd>
            <dt>Term</dt>
            <dd>
              {formatWhen(held.request.term.from)} to {formatWhen(held.request.term.to)}
            </dd>
            <dt>Renders</dt>
            <dd>up to {held.request.maxRenders}</dd>
          </dl>
        </div>
      ) : null}
    </section>
  );
}
