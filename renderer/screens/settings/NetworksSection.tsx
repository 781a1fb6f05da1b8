// Settings → Networks: the private local chain's state (running, block, registry deployed) and the creator's own EVM
// networks, added with each refused value shown at its field, or removed; renderer.
import { type FormEvent, useId, useState } from 'react';
import { LikenessError } from '../../../main/contract/errors.js';
import type { ChainNetwork } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

const FIELDS = ['id', 'name', 'rpcUrl', 'chainId', 'explorer'] as const;
type Field = (typeof FIELDS)[number];

/** The studio's messages by the field they belong to; whatever names no field stays for the banner. */
function splitIssues(error: Error | undefined): { byField: Partial<Record<Field, string>>; rest: Error | undefined } {
  if (!(error instanceof LikenessError) || !error.issues?.length) return { byField: {}, rest: error };
  const byField: Partial<Record<Field, string>> = {};
  for (const issue of error.issues) {
    const field = FIELDS.find((f) => f === issue.path);
    if (field) byField[field] ??= issue.message;
  }
  return { byField, rest: Object.keys(byField).length === 0 ? error : undefined };
}

/** Its state, asked of the chain itself: mounted only while it runs, so looking never starts it. */
function RunningLocalChain() {
  const status = useCall('chain.status', { networkId: 'local' });
  const s = status.data;
  return (
    <div className="stack">
      {status.error ? <ErrorBanner error={status.error} onRetry={status.reload} /> : null}
      {s ? (
        <dl className="facts" aria-label="Local chain status">
          <dt>State</dt>
          <dd>{s.reachable ? 'Running' : `Not reachable: ${s.problem ?? 'no answer'}`}</dd>
          <dt>Address</dt>
          <dd>{s.network.rpcUrl ? <code>{s.network.rpcUrl}</code> : '–'}</dd>
          <dt>Block</dt>
          <dd>{s.blockNumber ?? '–'}</dd>
          <dt>Registry</dt>
          <dd>
            <code>{s.registry}</code> {s.deployed ? '(deployed)' : '(not deployed)'}
          </dd>
          <dt>Waiting to publish</dt>
          <dd>{s.pending.length === 0 ? 'nothing' : `${s.pending.length} transaction${s.pending.length === 1 ? '' : 's'}`}</dd>
        </dl>
      ) : status.error ? null : (
        <p className="lede" role="status">
          Asking the local chain…
        </p>
      )}
      <div className="row">
        <Button onClick={status.reload} busy={status.loading}>
          Check again
        </Button>
      </div>
    </div>
  );
}

function LocalChain({ network, onStarted }: { network: ChainNetwork; onStarted: () => void }) {
  const client = useClient();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const start = () => {
    setStarting(true);
    setError(undefined);
    client
      .call('chain.status', { networkId: network.id })
      .then(onStarted, (e: unknown) => setError(asError(e)))
      .finally(() => setStarting(false));
  };
  return (
    <section className="stack" aria-labelledby="networks-local">
      <h3 id="networks-local">{network.name}</h3>
      <p className="lede" style={{ margin: 0 }}>
        A chain that runs on this computer only (chain {network.chainId}), with the registry deployed on it: for trying minting and licensing at no cost. Its state
        is kept in the data home.
      </p>
      {network.running ? (
        <RunningLocalChain />
      ) : (
        <>
          {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
          <p style={{ margin: 0 }}>Not running: it starts when you publish to it.</p>
          <div className="row">
            <Button onClick={start} busy={starting}>
              Start it and check
            </Button>
          </div>
        </>
      )}
    </section>
  );
}

function TextField({ id, label, value, onChange, error, help, ...rest }: { id: string; label: string; value: string; onChange: (v: string) => void; error: string | undefined; help?: string; inputMode?: 'numeric'; placeholder?: string }) {
  const describedBy = [error ? `${id}-error` : '', help ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="stack" style={{ gap: '0.2rem' }}>
      <label className="field" htmlFor={id}>
        {label}
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy} spellCheck={false} autoCapitalize="none" autoComplete="off" {...rest} />
      </label>
      {help ? (
        <span id={`${id}-help`} className="lede" style={{ fontSize: '0.8rem' }}>
          {help}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} style={{ color: 'var(--danger)', fontSize: '0.85rem' }}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

const EMPTY: Record<Field, string> = { id: '', name: '', rpcUrl: '', chainId: '', explorer: '' };

function AddNetwork({ onAdded }: { onAdded: () => void }) {
  const client = useClient();
  const toast = useToast();
  const id = useId();
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const { byField, rest } = splitIssues(error);
  const set = (field: Field) => (value: string) => setForm((f) => ({ ...f, [field]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const explorer = form.explorer.trim();
    client
      .call('chain.addNetwork', {
        id: form.id.trim(),
        name: form.name,
        rpcUrl: form.rpcUrl,
        // An empty box is 0 and anything else not a number is NaN: the studio answers both at the field.
        chainId: Number(form.chainId.trim()),
        ...(explorer ? { explorer } : {}),
      })
      .then(
        (added) => {
          setForm(EMPTY);
          toast(`Added ${added.name}`, 'success');
          onAdded();
        },
        (err: unknown) => setError(asError(err)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form className="stack" onSubmit={submit} aria-label="Add a network" noValidate>
      <h3>Add a network</h3>
      {rest ? <ErrorBanner error={rest} onDismiss={() => setError(undefined)} /> : null}
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <TextField id={`${id}-id`} label="Id" value={form.id} onChange={set('id')} error={byField.id} placeholder="sepolia" help="Lower-case letters, digits, hyphens." />
        <TextField id={`${id}-name`} label="Name" value={form.name} onChange={set('name')} error={byField.name} placeholder="Sepolia testnet" />
        <TextField id={`${id}-chain`} label="Chain id" value={form.chainId} onChange={set('chainId')} error={byField.chainId} placeholder="11155111" inputMode="numeric" />
      </div>
      <TextField id={`${id}-rpc`} label="RPC URL" value={form.rpcUrl} onChange={set('rpcUrl')} error={byField.rpcUrl} placeholder="https://…" help="http, https, ws or wss. A key in the URL is kept on this computer and never shown again." />
      <TextField
        id={`${id}-explorer`}
        label="Explorer (optional)"
        value={form.explorer}
        onChange={set('explorer')}
        error={byField.explorer}
        placeholder="https://sepolia.etherscan.io/tx/{tx}"
        help="An https transaction page with {tx} where the hash goes."
      />
      <div className="row">
        <Button type="submit" variant="primary" busy={busy}>
          Add network
        </Button>
      </div>
    </form>
  );
}

export function NetworksSection() {
  const client = useClient();
  const toast = useToast();
  const networks = useCall('chain.networks', {});
  const [removing, setRemoving] = useState<string>();
  const [error, setError] = useState<Error>();
  const list = networks.data ?? [];
  const local = list.find((n) => n.local);
  const saved = list.filter((n) => !n.local);

  const remove = (network: ChainNetwork) => {
    setRemoving(network.id);
    setError(undefined);
    client
      .call('chain.removeNetwork', { id: network.id })
      .then(
        () => {
          toast(`Removed ${network.name}; what was queued for it stays in the outbox`, 'success');
          networks.reload();
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setRemoving(undefined));
  };

  return (
    <section className="panel stack" aria-labelledby="networks">
      <h2 id="networks">Networks</h2>
      <p className="lede" style={{ margin: 0 }}>
        The EVM chains your twins are minted and licensed on: the studio's private local chain, and any network you add by its RPC address.
      </p>
      {networks.error ? <ErrorBanner error={networks.error} onRetry={networks.reload} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {networks.data === undefined ? (
        networks.error ? null : (
          <p className="lede" role="status">
            Loading networks…
          </p>
        )
      ) : (
        <>
          {local ? <LocalChain network={local} onStarted={networks.reload} /> : null}
          <h3>Your networks</h3>
          {saved.length === 0 ? (
            <p className="lede" style={{ margin: 0 }}>
              None yet.
            </p>
          ) : (
            <table className="report" aria-label="Your networks" style={{ maxWidth: 'none' }}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Id</th>
                  <th scope="col">Chain id</th>
                  <th scope="col">RPC</th>
                  <th scope="col">Explorer</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {saved.map((n) => (
                  <tr key={n.id}>
                    <th scope="row">{n.name}</th>
                    <td>
                      <code>{n.id}</code>
                    </td>
                    <td>{n.chainId}</td>
                    <td>{n.rpcUrl ? <code>{n.rpcUrl}</code> : '–'}</td>
                    <td>{n.explorer ? <code>{n.explorer}</code> : 'none'}</td>
                    <td>
                      <Button variant="ghost" onClick={() => remove(n)} busy={removing === n.id} aria-label={`Remove ${n.name}`}>
                        Remove
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <AddNetwork onAdded={networks.reload} />
    </section>
  );
}
