// The twin's licence requests with their state; for each, validators' approval files added with the count so far,
// Grant (the grant file to download, the key envelope added, the approval queued) and Revoke after a confirmation
// that says plainly what revocation cannot stop; renderer.
import { formatEther } from 'ethers';
import { useState } from 'react';
import type { LicenceGrantOutcome, LicenceRecord, LicenceState, TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { ConfirmDialog } from '../twin/ConfirmDialog.js';
import { asError, formatWhen, shortAddress } from '../twin/shared.js';
import { JsonFileField, downloadJson } from './files.js';

const STATE_BADGES: Record<LicenceState, string> = {
  requested: 'badge-queued',
  refused: 'badge-failed',
  granted: 'badge-completed',
  revoked: 'badge-cancelled',
};

/**
 * How many of the rules' validators the added files approve this licence for, as far as the browser can tell:
 * signatures and epochs are checked by the studio when granting.
 */
function approvalCount(texts: readonly string[], licenseHash: string, validators: readonly string[]): number {
  const wanted = new Set(validators.map((v) => v.toLowerCase()));
  const seen = new Set<string>();
  for (const text of texts) {
    try {
      const file = JSON.parse(text) as { licenseHash?: unknown; validator?: unknown };
      if (typeof file.validator === 'string' && typeof file.licenseHash === 'string' && file.licenseHash.toLowerCase() === licenseHash.toLowerCase() && wanted.has(file.validator.toLowerCase())) {
        seen.add(file.validator.toLowerCase());
      }
    } catch {
      // Not JSON: the studio names what is wrong with it on Grant.
    }
  }
  return seen.size;
}

interface LicenceItemProps {
  record: LicenceRecord;
  twin: TwinSummary;
  networkId: string;
  unlocked: boolean;
  onChanged: () => void;
}

function LicenceItem({ record, twin, networkId, unlocked, onChanged }: LicenceItemProps) {
  const client = useClient();
  const toast = useToast();
  const [approvals, setApprovals] = useState<string[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [outcome, setOutcome] = useState<LicenceGrantOutcome>();
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [reminder, setReminder] = useState<string>();
  const { request, licenseHash, state } = record;
  const { addresses, threshold } = twin.rules.validators;
  const fee = BigInt(twin.rules.licenceFee?.amountWei ?? '0');
  const counted = approvalCount(approvals, licenseHash, addresses);
  const id = `licence-${licenseHash.slice(2, 14)}`;
  const grantFile = `likeness-licence-${licenseHash.slice(2, 14)}.json`;

  const grant = () => {
    setBusy(true);
    setError(undefined);
    client
      .call('ledger.grant', { licenseHash, networkId, approvals })
      .then(
        (result) => {
          setOutcome(result);
          toast('Licence granted: the approval is queued', 'success');
          onChanged();
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  const revoke = () => {
    setBusy(true);
    setError(undefined);
    client
      .call('ledger.revoke', { licenseHash, networkId })
      .then(
        (result) => {
          setConfirmRevoke(false);
          setReminder(result.reminder);
          toast('Licence revoked: the revocation is queued', 'success');
          onChanged();
        },
        (e: unknown) => {
          setConfirmRevoke(false);
          setError(asError(e));
        },
      )
      .finally(() => setBusy(false));
  };

  return (
    <li className="panel stack" aria-labelledby={`${id}-title`} data-licence={licenseHash}>
      <h3 id={`${id}-title`} style={{ margin: 0 }}>
        {request.purpose} for <span title={request.licensee}>{shortAddress(request.licensee)}</span>{' '}
        <span className={`badge ${STATE_BADGES[state]}`}>{state}</span>
      </h3>
      <p className="lede" style={{ margin: 0 }}>
        Languages {request.languages.join(', ')}; from {formatWhen(request.term.from)} to {formatWhen(request.term.to)}; up to {request.maxRenders} renders
        {request.chainId === null ? '' : `; chain ${request.chainId}`}. Requested {formatWhen(request.requestedAt)}.
      </p>
      <p className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
        Licence <code style={{ wordBreak: 'break-all' }}>{licenseHash}</code>
      </p>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {state === 'requested' && fee > 0n ? (
        <p style={{ margin: 0 }}>
          The rules ask a fee of <strong>{formatEther(fee)} ETH</strong>: the licensee pays it into the registry's escrow, Grant first checks on the chain that it is
          there, and it reaches you when the approval is recorded.
        </p>
      ) : null}
      {state === 'requested' ? (
        <>
          {threshold === 0 ? (
            <p style={{ margin: 0 }}>The rules name no validators: your grant alone approves it.</p>
          ) : (
            <>
              <p style={{ margin: 0 }} aria-live="polite">
                Approvals: <strong>{`${counted} of ${threshold}`}</strong> from the {addresses.length} validators, counting the {approvals.length} file
                {approvals.length === 1 ? '' : 's'} added (signatures are checked when you grant).
              </p>
              <JsonFileField
                label="A validator's approval file (JSON)"
                loadLabel="Load an approval file…"
                value={draft}
                onChange={setDraft}
                onError={setError}
                rows={4}
              />
              <div className="row">
                <Button
                  onClick={() => {
                    setApprovals((list) => [...list, draft]);
                    setDraft('');
                  }}
                  disabled={draft.trim() === ''}
                >
                  Add approval
                </Button>
                <Button variant="ghost" onClick={() => setApprovals([])} disabled={approvals.length === 0}>
                  Clear approvals
                </Button>
              </div>
            </>
          )}
          <div className="row">
            <Button variant="primary" onClick={grant} busy={busy} disabled={!unlocked} aria-describedby={`${id}-grant-help`}>
              Grant
            </Button>
          </div>
          <p id={`${id}-grant-help`} className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
            {unlocked
              ? `Granting signs the licence, adds a key envelope for the licensee to the twin and queues the approval on ${networkId}.`
              : 'Granting signs with your identity: unlock it first.'}
          </p>
        </>
      ) : null}
      {outcome ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            Granted. A key envelope for {shortAddress(outcome.envelopeRecipient)} was added to the twin, so a copy you send now opens with the licensee's key. The
            approval is queued: publish it from the Twin screen's Chain section.
          </p>
          {outcome.notes.length > 0 ? (
            <ul style={{ margin: 0 }}>
              {outcome.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {state === 'granted' && record.grant ? (
        <div className="row">
          <Button onClick={() => downloadJson(grantFile, record.grant)}>Download the grant file</Button>
          <Button variant="danger" onClick={() => setConfirmRevoke(true)} disabled={!unlocked}>
            Revoke…
          </Button>
        </div>
      ) : null}
      {state === 'granted' && record.grant ? (
        <details>
          <summary>The grant file</summary>
          <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: '0.8rem' }}>{JSON.stringify(record.grant, null, 2)}</pre>
        </details>
      ) : null}
      {reminder ? (
        <p role="status" style={{ margin: 0 }}>
          Revoked and queued (publish it from the Twin screen's Chain section). {reminder}
        </p>
      ) : null}
      <ConfirmDialog open={confirmRevoke} title="Revoke this licence?" confirmLabel="Revoke licence" busy={busy} onConfirm={revoke} onCancel={() => setConfirmRevoke(false)}>
        <p>
          The registry will show the licence revoked once you publish it, and this studio will refuse renders under it. A revoked licence is never granted
          again.
        </p>
        <p>
          <strong>What revocation cannot stop:</strong> copies of the twin already handed to the licensee still open with their key until you rotate the twin
          (Twin screen, Rotate, removing their address), and nothing can take back data they already decrypted or renders they made and did not report.
        </p>
      </ConfirmDialog>
    </li>
  );
}

export interface LicenceListProps {
  twin: TwinSummary;
  records: LicenceRecord[];
  networkId: string;
  unlocked: boolean;
  onChanged: () => void;
}

export function LicenceList({ twin, records, networkId, unlocked, onChanged }: LicenceListProps) {
  if (records.length === 0) return <p className="lede">No requests for {twin.name} yet: check one above.</p>;
  return (
    <ul aria-label={`Licence requests for ${twin.name}`} className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {records.map((record) => (
        <LicenceItem key={record.licenseHash} record={record} twin={twin} networkId={networkId} unlocked={unlocked} onChanged={onChanged} />
      ))}
    </ul>
  );
}
