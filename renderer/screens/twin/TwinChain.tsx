// One twin on chain: mint it on a network (signed offline, queued), its outbox entries and their states, and publishing
// the queue after a confirmation that lists each transaction with its gas and fee; renderer.
import { useState } from 'react';
import { LikenessError } from '../../../main/contract/errors.js';
import type { ChainNetwork, ChainOutboxItem, ChainPlan, TwinSummary } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import type { SigningRight } from './TwinActions.js';
import { asError, formatWhen } from './shared.js';

const KIND_LABELS: Record<ChainOutboxItem['kind'], string> = {
  redeem: 'Mint',
  rules: 'Rules update',
  validators: 'Validators update',
  fee: 'Fee update',
  request: 'Licence fee',
  approve: 'Licence approval',
  revoke: 'Licence revocation',
  anchor: 'Usage receipts',
};

const STATE_BADGES: Record<ChainOutboxItem['state'], string> = {
  queued: 'badge-queued',
  sent: 'badge-running',
  done: 'badge-completed',
  failed: 'badge-failed',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Gas in digit groups; it is a small whole number that came as a decimal string. */
const formatGas = (gas: string) => BigInt(gas).toLocaleString();

function networkOf(networks: readonly ChainNetwork[], chainId: number): string {
  return networks.find((n) => n.chainId === chainId)?.name ?? `chain ${chainId}`;
}

function OutboxTable({ items, networks }: { items: ChainOutboxItem[]; networks: readonly ChainNetwork[] }) {
  return (
    <table className="report" aria-label="Chain entries" style={{ maxWidth: 'none' }}>
      <thead>
        <tr>
          <th scope="col">Network</th>
          <th scope="col">What</th>
          <th scope="col">State</th>
          <th scope="col">Token id</th>
          <th scope="col">Transaction</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-outbox-id={item.id}>
            <td>{networkOf(networks, item.chainId)}</td>
            <td>
              {KIND_LABELS[item.kind]} <span className="lede">{formatWhen(item.createdAt)}</span>
            </td>
            <td>
              <span className={`badge ${STATE_BADGES[item.state]}`}>{item.state}</span>
              {item.error ? (
                <p className={item.state === 'failed' ? undefined : 'lede'} style={{ margin: '0.25rem 0 0', fontSize: '0.85rem', color: item.state === 'failed' ? 'var(--danger)' : undefined }}>
                  {item.error}
                </p>
              ) : null}
            </td>
            <td>{item.tokenId ? <code style={{ wordBreak: 'break-all' }}>{item.tokenId}</code> : '–'}</td>
            <td>
              {item.txUrl ? (
                <a href={item.txUrl} target="_blank" rel="noreferrer">
                  View on the explorer
                </a>
              ) : item.txHash ? (
                <code title={item.txHash}>{`${item.txHash.slice(0, 10)}…${item.txHash.slice(-6)}`}</code>
              ) : (
                '–'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PlanTable({ plan }: { plan: ChainPlan }) {
  return (
    <table className="report" aria-label="Transactions to send">
      <thead>
        <tr>
          <th scope="col">Transaction</th>
          <th scope="col">Gas</th>
          <th scope="col">Fee</th>
        </tr>
      </thead>
      <tbody>
        {plan.transactions.map((t) => (
          <tr key={t.item.id}>
            <td>{t.description}</td>
            <td>{formatGas(t.gas)}</td>
            <td>{t.feeEth} ETH</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            In all
          </th>
          <td>{plan.totalFeeEth} ETH</td>
        </tr>
      </tfoot>
    </table>
  );
}

export interface TwinChainProps {
  twin: TwinSummary;
  /** Minting signs as the twin's owner. */
  right: SigningRight;
  /** Publishing pays with the unlocked identity, whoever owns the twins queued. */
  unlocked: boolean;
}

export function TwinChain({ twin, right, unlocked }: TwinChainProps) {
  const client = useClient();
  const toast = useToast();
  const networks = useCall('chain.networks', {});
  const outbox = useCall('chain.outbox', { twinId: twin.id });
  const [networkId, setNetworkId] = useState('local');
  const [minting, setMinting] = useState(false);
  const [planning, setPlanning] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<Error>();
  const [plan, setPlan] = useState<ChainPlan>();
  const [planError, setPlanError] = useState<Error>();
  const list = networks.data ?? [];
  const chosen = list.find((n) => n.id === networkId);
  const id = `twin-chain-${twin.id}`;

  const mint = () => {
    setMinting(true);
    setError(undefined);
    setNote(undefined);
    client
      .call('chain.mint', { twinId: twin.id, networkId })
      .then(
        (item) => {
          setNote(item.state === 'queued' ? 'Signed and queued; publish when the network is reachable.' : `Already minted on ${networkOf(list, item.chainId)}: ${item.state}.`);
          outbox.reload();
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setMinting(false));
  };

  /** Asks the studio what publishing would send; entries it settled or found refused show in the list. */
  const review = (onPlan: (next: ChainPlan) => void) => {
    setPlanning(true);
    client
      .call('chain.plan', { networkId })
      .then(
        (next) => {
          outbox.reload();
          onPlan(next);
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setPlanning(false));
  };

  const startPublish = () => {
    setError(undefined);
    setNote(undefined);
    setPlanError(undefined);
    review((next) => {
      if (next.transactions.length > 0) setPlan(next);
      else setNote(`Nothing to send on ${next.network.name}${next.settled.length > 0 ? `: ${plural(next.settled.length, 'entry')} found already done` : ''}${next.failed.length > 0 ? `; ${plural(next.failed.length, 'entry')} refused by the chain` : ''}.`);
    });
  };

  const publish = (reviewed: ChainPlan) => {
    setPublishing(true);
    setPlanError(undefined);
    client
      .call('chain.publish', { networkId: reviewed.network.id, confirm: true, planned: reviewed.transactions.length })
      .then(
        (result) => {
          setPlan(undefined);
          toast(`Published on ${result.network.name}: ${result.sent.length} sent${result.failed.length > 0 ? `, ${result.failed.length} refused` : ''}`, result.failed.length > 0 ? 'error' : 'success');
          outbox.reload();
        },
        (e: unknown) => {
          setPlanError(asError(e));
          // The queue changed under the review: show the new plan to confirm instead.
          if (e instanceof LikenessError && e.code === 'conflict') review((next) => setPlan(next.transactions.length > 0 ? next : undefined));
        },
      )
      .finally(() => setPublishing(false));
  };

  const items = outbox.data ?? [];
  return (
    <section className="stack" aria-labelledby={id}>
      <h3 id={id}>Chain</h3>
      <p className="lede" style={{ margin: 0 }}>
        Minting signs a voucher with your identity for the twin's digests (only hashes and signatures go on chain) and queues it; it works offline. Publishing
        sends what is queued once the network is reachable, after you confirm the gas and fee.
      </p>
      {networks.error ? <ErrorBanner error={networks.error} onRetry={networks.reload} /> : null}
      {outbox.error ? <ErrorBanner error={outbox.error} onRetry={outbox.reload} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <label className="field" htmlFor={`${id}-network`}>
          Network
          <select id={`${id}-network`} value={networkId} onChange={(e) => setNetworkId(e.target.value)} disabled={networks.data === undefined}>
            {list.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name} (chain {n.chainId})
              </option>
            ))}
          </select>
        </label>
        <Button variant="primary" onClick={mint} busy={minting} disabled={!right.can || !chosen}>
          Mint
        </Button>
        <Button onClick={startPublish} busy={planning && !plan} disabled={!unlocked || !chosen} aria-describedby={`${id}-publish-help`}>
          Publish…
        </Button>
      </div>
      <p id={`${id}-publish-help`} className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
        {!right.can && right.why ? `${right.why} ` : ''}
        {unlocked
          ? `Publishing sends everything queued on ${chosen?.name ?? 'the network'}, for every twin, and your identity pays the fee${chosen?.local ? ' (on the private local chain the studio funds it)' : ''}.`
          : 'Publishing pays with your identity: unlock it above.'}
      </p>
      {note ? (
        <p role="status" style={{ margin: 0 }}>
          {note}
        </p>
      ) : null}
      {outbox.data === undefined ? null : items.length === 0 ? (
        <p className="lede" style={{ margin: 0 }}>
          Not minted on any network yet.
        </p>
      ) : (
        <OutboxTable items={items} networks={list} />
      )}
      <ConfirmDialog
        open={plan !== undefined}
        title={plan ? `Send ${plural(plan.transactions.length, 'transaction')} to ${plan.network.name}?` : 'Send transactions?'}
        confirmLabel={plan ? `Send ${plural(plan.transactions.length, 'transaction')}` : 'Send'}
        busy={publishing || planning}
        onConfirm={() => plan && publish(plan)}
        onCancel={() => setPlan(undefined)}
      >
        {plan ? (
          <>
            <p>
              Everything queued on {plan.network.name}, for every twin, in the order it is sent. Fees are estimated at the network's gas price now; nothing is
              sent unless you confirm, and a sent transaction cannot be taken back.
            </p>
            <PlanTable plan={plan} />
          </>
        ) : null}
        {planError ? <ErrorBanner error={planError} onDismiss={() => setPlanError(undefined)} /> : null}
      </ConfirmDialog>
    </section>
  );
}
