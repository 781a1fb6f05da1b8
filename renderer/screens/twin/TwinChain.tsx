// One twin on chain: mint it on a network (signed offline, queued), its outbox entries and their states, and publishing
// the queue after a confirmation that lists each transaction with its gas and fee; renderer.
import { useState } from 'react';
import type { ChainNetwork, ChainOutboxItem, TwinSummary } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner } from '../../design/index.js';
import type { SigningRight } from './TwinActions.js';
import { STATE_BADGES, usePublish } from './publish.js';
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

export interface TwinChainProps {
  twin: TwinSummary;
  /** Minting signs as the twin's owner. */
  right: SigningRight;
  /** Publishing pays with the unlocked identity, whoever owns the twins queued. */
  unlocked: boolean;
}

export function TwinChain({ twin, right, unlocked }: TwinChainProps) {
  const client = useClient();
  const networks = useCall('chain.networks', {});
  const outbox = useCall('chain.outbox', { twinId: twin.id });
  const [networkId, setNetworkId] = useState('local');
  const [minting, setMinting] = useState(false);
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<Error>();
  const publishing = usePublish(networkId, { onChanged: outbox.reload, onError: setError, onNote: setNote });
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

  const startPublish = () => {
    setError(undefined);
    setNote(undefined);
    publishing.start();
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
        <Button onClick={startPublish} busy={publishing.reviewing} disabled={!unlocked || !chosen} aria-describedby={`${id}-publish-help`}>
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
      {publishing.dialog}
    </section>
  );
}
