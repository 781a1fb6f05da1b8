// A licensee pays a licence's fee: the request loaded or pasted, the fee the registry asks queued for escrow (up
// to the most the licensee offers), then published after a confirmation listing the gas; renderer.
import { useId, useState } from 'react';
import { parseEther } from 'ethers';
import type { ChainNetwork, LicenceFeePayment } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner } from '../../design/index.js';
import { STATE_BADGES, usePublish } from '../twin/publish.js';
import { asError } from '../twin/shared.js';
import { ActionRow, CheckedInput, FieldHelp, NetworkField, networkFor } from './controls.js';
import { RequestField, readRequest } from './RequestFacts.js';

/** The most offered, in wei: undefined when left empty, null when it is not an amount of ETH. */
function readMaxFee(text: string): string | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^[0-9]*\.?[0-9]+$/.test(trimmed)) return null;
  try {
    return parseEther(trimmed).toString();
  } catch {
    return null;
  }
}

export interface PayFeeProps {
  networks: ChainNetwork[] | undefined;
  unlocked: boolean;
  /** The request's text: the one just made, or one loaded or pasted. */
  text: string;
  onText: (text: string) => void;
  /** The network chosen to pay on; one on another chain than the request's gives way to one on its chain. */
  network: string;
  onNetwork: (networkId: string) => void;
}

export function PayFee({ networks, unlocked, text, onText, network: chosen, onNetwork }: PayFeeProps) {
  const client = useClient();
  const id = useId();
  const [maxText, setMaxText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [paid, setPaid] = useState<LicenceFeePayment>();
  const [note, setNote] = useState<string>();
  const request = readRequest(text);
  // A request bound to a chain is paid on that chain only: its network is picked rather than left to be refused.
  const networkId = networkFor(networks, chosen, request?.chainId ?? null);
  const network = networks?.find((n) => n.id === networkId);
  const maxFeeWei = readMaxFee(maxText);
  const outbox = useCall('chain.outbox', {});
  const publishing = usePublish(networkId, { onChanged: outbox.reload, onError: setError, onNote: setNote });
  const queued = paid?.outboxId ? outbox.data?.find((item) => item.id === paid.outboxId) : undefined;

  const changed = () => {
    setPaid(undefined);
    setError(undefined);
    setNote(undefined);
  };

  const pay = () => {
    if (maxFeeWei === null) return;
    setBusy(true);
    changed();
    client
      .call('ledger.pay', { request: text, networkId, ...(maxFeeWei === undefined ? {} : { maxFeeWei }) })
      .then(
        (answer) => {
          setPaid(answer);
          outbox.reload();
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Pay the licence fee</h3>
      <p className="lede" style={{ margin: 0 }}>
        When the twin's rules ask a fee, you pay exactly what the registry asks into escrow: its owner is paid when they approve your licence, and you are
        refunded if they revoke it. A free licence needs nothing here.
      </p>
      <RequestField
        purpose="pay for"
        checkedWhen="when you pay"
        value={text}
        onChange={(next) => {
          onText(next);
          changed();
        }}
        onError={setError}
      />
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <NetworkField
          id={`${id}-network`}
          label="Network to pay on"
          networks={networks}
          value={networkId}
          onChange={(next) => {
            onNetwork(next);
            changed();
          }}
        />
        <CheckedInput
          id={`${id}-max`}
          label="Most you pay, in ETH (optional)"
          value={maxText}
          onChange={(next) => {
            setMaxText(next);
            changed();
          }}
          invalid={maxFeeWei === null}
          inputMode="decimal"
          placeholder="0.05"
          width="10rem"
        />
      </div>
      <FieldHelp id={`${id}-max`} invalid={maxFeeWei === null}>
        {maxFeeWei === null
          ? 'The most you pay is an amount of ETH, such as 0.05, with at most 18 decimals.'
          : 'Nothing is queued when the registry asks more than this. Leave it empty to pay whatever the registry asks.'}
      </FieldHelp>
      <ActionRow
        id={`${id}-pay`}
        label="Pay fee"
        onClick={pay}
        busy={busy}
        disabled={!unlocked || text.trim() === '' || maxFeeWei === null}
        help={unlocked ? 'The studio reads the fee on the network and queues the payment; nothing is sent until you publish.' : 'Paying uses your identity: unlock it first.'}
      />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {paid ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            {paid.outboxId ? <span className={`badge ${STATE_BADGES[queued?.state ?? 'queued']}`}>{queued?.state ?? 'queued'}</span> : null} {paid.message}
          </p>
          {queued?.state === 'done' ? (
            <p style={{ margin: 0 }}>Sent: the fee is in escrow. Send the request file to the twin's owner, who can now grant it.</p>
          ) : null}
          {paid.outboxId && queued?.state !== 'done' ? (
            <p className="lede" style={{ margin: 0 }}>
              Publish sends it to {network?.name ?? 'the network'} with everything else queued there: you see each transaction's gas and fee first. Your identity
              pays the gas and the licence fee.
            </p>
          ) : null}
          {queued?.error ? <p style={{ margin: 0, color: 'var(--danger)' }}>{queued.error}</p> : null}
        </div>
      ) : null}
      {paid?.outboxId && queued?.state !== 'done' ? (
        <div className="row">
          <Button
            onClick={() => {
              setNote(undefined);
              publishing.start();
            }}
            busy={publishing.reviewing}
            disabled={!unlocked}
          >
            Publish…
          </Button>
        </div>
      ) : null}
      {note ? (
        <p role="status" style={{ margin: 0 }}>
          {note}
        </p>
      ) : null}
      {publishing.dialog}
    </section>
  );
}
