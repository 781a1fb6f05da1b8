// The Twin screen's identity line: who signs, whether the key is unlocked, an inline unlock when it is locked and a
// way to Settings when there is none yet; renderer.
import { type FormEvent, useEffect, useState } from 'react';
import type { IdentityStatus } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner } from '../../design/index.js';
import { asError } from './shared.js';

export interface IdentityState {
  status: IdentityStatus | undefined;
  error: Error | undefined;
  /** True while the key is in memory: sealing, granting, publishing rules, rotating and decrypting need it. */
  unlocked: boolean;
  address: string | undefined;
  set(status: IdentityStatus): void;
  reload(): void;
}

/** The identity's status, checked again when an unlock runs out so the screen never offers what would be refused. */
export function useIdentity(): IdentityState {
  const loaded = useCall('identity.status', {});
  const [local, setLocal] = useState<IdentityStatus>();
  const status = local ?? loaded.data;
  const { reload: reloadCall } = loaded;
  const expiresAt = status?.unlocked ? status.unlockExpiresAt : undefined;
  useEffect(() => {
    if (!expiresAt) return;
    const timer = setTimeout(
      () => {
        setLocal(undefined);
        reloadCall();
      },
      Math.max(0, Date.parse(expiresAt) - Date.now()) + 500,
    );
    return () => clearTimeout(timer);
  }, [expiresAt, reloadCall]);
  return {
    status,
    error: loaded.error,
    unlocked: status?.unlocked === true,
    address: status?.address,
    set: setLocal,
    reload: () => {
      setLocal(undefined);
      reloadCall();
    },
  };
}

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function IdentityGate({ identity }: { identity: IdentityState }) {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const { status } = identity;

  const unlock = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    client
      .call('identity.unlock', { passphrase })
      .then(
        (next) => {
          setPassphrase('');
          setError(undefined);
          identity.set(next);
        },
        (err: unknown) => setError(asError(err)),
      )
      .finally(() => setBusy(false));
  };
  const lock = () => void client.call('identity.lock', {}).then(identity.set, (err: unknown) => setError(asError(err)));

  return (
    <section className="panel stack" aria-labelledby="twin-identity">
      <h2 id="twin-identity">Your identity</h2>
      {identity.error ? <ErrorBanner error={identity.error} onRetry={identity.reload} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {!status ? (
        <p className="lede" role="status">
          Checking your identity…
        </p>
      ) : !status.exists ? (
        <p className="lede">
          A twin is signed with your identity, an Ethereum key kept on this computer. You have none yet: <a href="#/settings">create or import one in Settings</a>,
          then come back to seal your twin.
        </p>
      ) : status.unlocked ? (
        <div className="row">
          <span>
            Unlocked as <code>{status.address}</code>
            {status.unlockExpiresAt ? ` until ${timeFormat.format(Date.parse(status.unlockExpiresAt))}` : ''}: you can seal, grant keys, publish rules and rotate.
          </span>
          <Button onClick={lock}>Lock now</Button>
        </div>
      ) : (
        <form className="stack" onSubmit={unlock} aria-label="Unlock your identity">
          <p className="lede" style={{ margin: 0 }}>
            Your identity <code>{status.address}</code> is locked. Unlock it to seal a twin, grant keys, publish rules or rotate; reading and verifying twins need no key.
          </p>
          <div className="row" style={{ alignItems: 'flex-end' }}>
            <label className="field" htmlFor="twin-unlock-pass">
              Passphrase
              <input
                id="twin-unlock-pass"
                type="password"
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
                autoComplete="current-password"
                spellCheck={false}
              />
            </label>
            <Button type="submit" variant="primary" busy={busy} disabled={passphrase === ''}>
              Unlock
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
