// A validator's side of a licence: a licensee's request pasted or loaded, what it asks shown, and this studio's
// approval signed in the main process (the key stays there) then saved or copied for the twin's owner; renderer.
import { useId, useState } from 'react';
import { type ChainNetwork, type LicenceApproval, LicenceRequest } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { asError, formatWhen } from '../twin/shared.js';
import { JsonFileField, downloadJson } from './files.js';

/** The request as far as the browser can read it; the studio checks it field by field and names each error on signing. */
function readRequest(text: string): LicenceRequest | undefined {
  try {
    const parsed = LicenceRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The epoch typed, undefined when left empty, or null when it is not a whole number. */
function readEpoch(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  return /^[0-9]{1,15}$/.test(text.trim()) ? Number(text.trim()) : null;
}

function RequestFacts({ request }: { request: LicenceRequest }) {
  return (
    <dl className="facts" aria-label="The request you approve">
      <dt>Twin</dt>
      <dd>
        <code>{request.twin}</code>
        {request.tokenId === null ? ' (the request names no chain)' : `, token ${request.tokenId} on chain ${request.chainId}`}
      </dd>
      <dt>Licensee</dt>
      <dd>
        <code>{request.licensee}</code>
      </dd>
      <dt>Purpose</dt>
      <dd>{request.purpose}</dd>
      <dt>Languages</dt>
      <dd>{request.languages.join(', ')}</dd>
      <dt>Term</dt>
      <dd>
        {formatWhen(request.term.from)} to {formatWhen(request.term.to)}
      </dd>
      <dt>Renders</dt>
      <dd>up to {request.maxRenders}</dd>
      <dt>Requested</dt>
      <dd>{formatWhen(request.requestedAt)}</dd>
    </dl>
  );
}

export interface ApproveAsValidatorProps {
  networks: ChainNetwork[] | undefined;
  unlocked: boolean;
  address: string | undefined;
}

export function ApproveAsValidator({ networks, unlocked, address }: ApproveAsValidatorProps) {
  const client = useClient();
  const toast = useToast();
  const id = useId();
  const [text, setText] = useState('');
  const [networkId, setNetworkId] = useState('local');
  const [epochText, setEpochText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [approval, setApproval] = useState<LicenceApproval>();
  const request = readRequest(text);
  const epoch = readEpoch(epochText);
  const fileName = approval ? `likeness-approval-${approval.licenseHash.slice(2, 14)}-${approval.validator.slice(2, 8).toLowerCase()}.json` : '';

  // A signed approval is for exactly what was shown: any change makes it stale, so it is cleared rather than kept beside new input.
  const changed = () => {
    setApproval(undefined);
    setError(undefined);
  };

  const changeRequest = (next: string) => {
    setText(next);
    changed();
    // A request bound to a chain is approved on that chain only: pick a network for it rather than let signing refuse.
    const chainId = readRequest(next)?.chainId ?? null;
    const current = networks?.find((n) => n.id === networkId);
    if (chainId !== null && current?.chainId !== chainId) {
      const matching = networks?.find((n) => n.chainId === chainId);
      if (matching) setNetworkId(matching.id);
    }
  };

  const sign = () => {
    if (epoch === null) return;
    setBusy(true);
    changed();
    client
      .call('ledger.approve', { request: text, networkId, ...(epoch === undefined ? {} : { epoch }) })
      .then(
        (signed) => {
          setApproval(signed);
          toast('Approval signed', 'success');
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  const copy = () => {
    if (!approval) return;
    navigator.clipboard.writeText(`${JSON.stringify(approval, null, 2)}\n`).then(
      () => toast('Approval copied', 'success'),
      () => toast('Could not copy: save the file instead', 'error'),
    );
  };

  return (
    <section className="panel stack" aria-labelledby="licence-validator">
      <h2 id="licence-validator">Approve as a validator</h2>
      <p className="lede" style={{ margin: 0 }}>
        When a twin's rules name you as one of its validators, its owner needs your approval before granting a licence. Load the licensee's request, check
        what it asks, and sign: you get an approval file to send to the twin's owner. Your key stays in the studio; only the signed approval comes back.
      </p>
      <JsonFileField label="Licence request to approve (JSON)" loadLabel="Load a request file to approve…" value={text} onChange={changeRequest} onError={setError} />
      {text.trim() === '' ? null : request ? (
        <RequestFacts request={request} />
      ) : (
        <p className="lede" style={{ margin: 0 }}>
          This is not a licence request the browser can read; the studio names what is wrong with it when you sign.
        </p>
      )}
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <label className="field" htmlFor={`${id}-network`}>
          Network the twin is minted on
          <select
            id={`${id}-network`}
            value={networkId}
            onChange={(e) => {
              setNetworkId(e.target.value);
              changed();
            }}
            disabled={networks === undefined}
          >
            {(networks ?? []).map((n) => (
              <option key={n.id} value={n.id}>
                {n.name} (chain {n.chainId})
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${id}-epoch`}>
          Validator epoch (optional)
          <input
            id={`${id}-epoch`}
            value={epochText}
            inputMode="numeric"
            autoComplete="off"
            onChange={(e) => {
              setEpochText(e.target.value);
              changed();
            }}
            aria-invalid={epoch === null ? true : undefined}
            aria-describedby={`${id}-epoch-help`}
            style={{ width: '8rem' }}
          />
        </label>
      </div>
      <p id={`${id}-epoch-help`} className="lede" style={{ margin: 0, fontSize: '0.85rem', color: epoch === null ? 'var(--danger)' : undefined }}>
        {epoch === null
          ? 'The epoch is a whole number, such as 1.'
          : 'Leave it empty: the studio reads it from the network and checks you are one of the twin’s validators. Give it only when the network cannot be reached (the twin’s owner can tell you); nothing is checked then.'}
      </p>
      <div className="row">
        <Button variant="primary" onClick={sign} busy={busy} disabled={!unlocked || text.trim() === '' || epoch === null} aria-describedby={`${id}-sign-help`}>
          Sign approval
        </Button>
        <span id={`${id}-sign-help`} className="lede" style={{ fontSize: '0.85rem' }}>
          {unlocked ? `Signs as ${address ?? 'your identity'}.` : 'Signing an approval uses your identity: unlock it first.'}
        </span>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {approval ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            <span className="badge badge-completed">signed</span> Approval of licence <code style={{ wordBreak: 'break-all' }}>{approval.licenseHash}</code> by{' '}
            <code>{approval.validator}</code> for validator epoch {approval.epoch} on chain {approval.chainId}. Send the file to the twin's owner.
          </p>
          <div className="row">
            <Button variant="primary" onClick={() => downloadJson(fileName, approval)}>
              Save approval file
            </Button>
            <Button onClick={copy}>Copy</Button>
          </div>
          <details>
            <summary>The approval file</summary>
            <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: '0.8rem' }}>{JSON.stringify(approval, null, 2)}</pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}
