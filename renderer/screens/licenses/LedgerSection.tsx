// The twin's usage receipts: anchoring the ones not yet batched (queued; publishing stays on the Twin screen),
// a proof file for an anchored one, and checking a proof someone sent; renderer.
import { useState } from 'react';
import type { ProofVerification, TwinSummary } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { asError, formatWhen, shortAddress } from '../twin/shared.js';
import { JsonFileField, downloadJson } from './files.js';

const short = (hash: string) => `${hash.slice(0, 10)}…${hash.slice(-6)}`;

function VerifyProof() {
  const client = useClient();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [result, setResult] = useState<ProofVerification>();

  const verify = () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    client
      .call('ledger.verifyProof', { proof: text })
      .then(setResult, (e: unknown) => setError(asError(e)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="stack">
      <h3 id="ledger-verify" style={{ margin: 0 }}>
        Verify a proof
      </h3>
      <JsonFileField
        label="Receipt proof (JSON)"
        loadLabel="Load a proof file…"
        value={text}
        onChange={setText}
        onError={setError}
        hint="The chain the proof names is asked when a network for it is known here; otherwise only the offline checks run."
      />
      <div className="row">
        <Button onClick={verify} busy={busy} disabled={text.trim() === ''}>
          Verify proof
        </Button>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {result ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            <span className={`badge ${result.ok ? 'badge-completed' : 'badge-failed'}`}>{result.ok ? 'valid' : 'not valid'}</span> Receipt{' '}
            <code title={result.receiptId}>{short(result.receiptId)}</code>: {result.chain.message}
          </p>
          {result.problems.length > 0 ? (
            <ul aria-label="Problems with the proof" style={{ margin: 0 }}>
              {result.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function LedgerSection({ twin, networkId }: { twin: TwinSummary; networkId: string }) {
  const client = useClient();
  const toast = useToast();
  const receipts = useCall('ledger.receipts', { twinId: twin.id });
  const [anchoring, setAnchoring] = useState(false);
  const [proving, setProving] = useState<string>();
  const [error, setError] = useState<Error>();
  const [note, setNote] = useState<string>();
  const list = receipts.data ?? [];
  const waiting = list.filter((r) => r.batchRoot === null).length;

  const anchor = () => {
    setAnchoring(true);
    setError(undefined);
    setNote(undefined);
    client
      .call('ledger.anchor', { twinId: twin.id, networkId })
      .then(
        (result) => {
          setNote(`${result.count} receipt${result.count === 1 ? '' : 's'} batched under the root ${short(result.root)} and queued for ${networkId}. Publish it from the Twin screen's Chain section.`);
          receipts.reload();
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setAnchoring(false));
  };

  const prove = (receiptId: string) => {
    setProving(receiptId);
    setError(undefined);
    client
      .call('ledger.prove', { receiptId })
      .then(
        (proof) => {
          downloadJson(`likeness-receipt-proof-${receiptId.slice(2, 14)}.json`, proof);
          toast('Proof saved', 'success');
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setProving(undefined));
  };

  return (
    <section className="panel stack" aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger</h2>
      <p className="lede" style={{ margin: 0 }}>
        Every render of {twin.name} gets a signed usage receipt. Anchoring batches the receipts not yet anchored under one Merkle root and queues it for the
        registry; it is sent when you publish from the Twin screen's Chain section. An anchored receipt can then be proved to anyone with a proof file.
      </p>
      {receipts.error ? <ErrorBanner error={receipts.error} onRetry={receipts.reload} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <div className="row">
        <Button variant="primary" onClick={anchor} busy={anchoring} disabled={waiting === 0} aria-describedby="ledger-anchor-help">
          Anchor {waiting} receipt{waiting === 1 ? '' : 's'}
        </Button>
        <span id="ledger-anchor-help" className="lede" style={{ fontSize: '0.85rem' }}>
          {waiting === 0 ? 'No receipts are waiting to be anchored.' : `Queues the root for ${networkId}; nothing is sent yet.`}
        </span>
      </div>
      {note ? (
        <p role="status" style={{ margin: 0 }}>
          {note}
        </p>
      ) : null}
      {receipts.data === undefined ? null : list.length === 0 ? (
        <p className="lede" style={{ margin: 0 }}>
          No usage receipts for {twin.name} yet.
        </p>
      ) : (
        <table className="report" aria-label={`Usage receipts of ${twin.name}`} style={{ maxWidth: 'none' }}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Use</th>
              <th scope="col">Licence</th>
              <th scope="col">Batch</th>
              <th scope="col">Proof</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} data-receipt-id={r.id}>
                <td>{formatWhen(r.time)}</td>
                <td>
                  {r.signed.receipt.purpose}, {r.signed.receipt.language} <span className="lede">by {shortAddress(r.signed.receipt.renderer)}</span>
                </td>
                <td>{r.signed.receipt.licence === 'owner' ? 'owner' : <code title={r.signed.receipt.licence}>{short(r.signed.receipt.licence)}</code>}</td>
                <td>{r.batchRoot ? <code title={r.batchRoot}>{short(r.batchRoot)}</code> : <span className="badge badge-queued">not anchored</span>}</td>
                <td>
                  <Button onClick={() => prove(r.id)} busy={proving === r.id} disabled={r.batchRoot === null} aria-label={`Download the proof of the receipt from ${formatWhen(r.time)}`}>
                    Prove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <VerifyProof />
    </section>
  );
}
