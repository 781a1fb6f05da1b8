// Settings → Identity: create or import the creator's Ethereum key, back up its recovery words, unlock and lock it, export the keystore; renderer.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { IdentityStatus } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';

const MIN_LENGTH = 8;

/** A hint, not a gate: the studio enforces only the minimum length; length matters far more than symbols. */
function passphraseStrength(passphrase: string): { label: string; ok: boolean } {
  const length = [...passphrase].length;
  if (length === 0) return { label: `At least ${MIN_LENGTH} characters. Several unrelated words make a strong one.`, ok: false };
  if (length < MIN_LENGTH) return { label: `Too short: ${MIN_LENGTH - length} more character${MIN_LENGTH - length === 1 ? '' : 's'} at least.`, ok: false };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(passphrase)).length;
  const words = passphrase.trim().split(/\s+/).length;
  if (length >= 20 || (words >= 4 && length >= 16)) return { label: 'Strong.', ok: true };
  if (length >= 12 && classes >= 2) return { label: 'Good. Longer is stronger still.', ok: true };
  return { label: 'Weak: it is accepted, but a longer one (several words) is much harder to guess.', ok: true };
}

function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/** Re-renders every second while a deadline is ahead, and calls onPassed once it has gone by. */
function useRemaining(deadline: string | undefined, onPassed: () => void): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  // The latest callback without re-running the effect on every render, which would call it again each second.
  const passedRef = useRef(onPassed);
  passedRef.current = onPassed;
  useEffect(() => {
    if (!deadline) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  const remaining = deadline ? Date.parse(deadline) - now : undefined;
  const passed = remaining !== undefined && remaining <= 0;
  useEffect(() => {
    if (passed) passedRef.current();
  }, [passed]);
  return remaining;
}

function PassphraseField({ id, label, value, onChange, autoComplete, describedBy }: { id: string; label: string; value: string; onChange: (v: string) => void; autoComplete: string; describedBy?: string }) {
  return (
    <label className="field" htmlFor={id}>
      {label}
      <input id={id} type="password" value={value} onChange={(e) => onChange(e.target.value)} autoComplete={autoComplete} aria-describedby={describedBy} spellCheck={false} />
    </label>
  );
}

function NewPassphrase({ idPrefix, value, repeat, onChange, onRepeat }: { idPrefix: string; value: string; repeat: string; onChange: (v: string) => void; onRepeat: (v: string) => void }) {
  const strength = passphraseStrength(value);
  return (
    <div className="stack">
      <div className="row">
        <PassphraseField id={`${idPrefix}-pass`} label="New passphrase" value={value} onChange={onChange} autoComplete="new-password" describedBy={`${idPrefix}-strength`} />
        <PassphraseField id={`${idPrefix}-repeat`} label="Repeat the passphrase" value={repeat} onChange={onRepeat} autoComplete="new-password" describedBy={`${idPrefix}-match`} />
      </div>
      <p id={`${idPrefix}-strength`} className="lede" aria-live="polite">
        {strength.label}
      </p>
      <p id={`${idPrefix}-match`} className="lede" aria-live="polite">
        {repeat !== '' && repeat !== value ? 'The two passphrases differ.' : ''}
      </p>
    </div>
  );
}

const newPassphraseReady = (value: string, repeat: string) => passphraseStrength(value).ok && value === repeat;

/** The words once, in order, then three of them asked back; the words leave memory when this closes. */
function BackupWords({ words, onDone }: { words: string[] | undefined; onDone: () => void }) {
  const client = useClient();
  const toast = useToast();
  const [shown, setShown] = useState(words);
  const [passphrase, setPassphrase] = useState('');
  const [positions, setPositions] = useState<number[]>();
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const reveal = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    client
      .call('identity.revealWords', { passphrase })
      .then((r) => (setShown(r.words), setPassphrase('')), (err: unknown) => setError(asError(err)))
      .finally(() => setBusy(false));
  };
  const ask = () => {
    setShown(undefined);
    client.call('identity.backupChallenge', {}).then((r) => setPositions(r.positions), (err: unknown) => setError(asError(err)));
  };
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    client
      .call('identity.confirmBackup', { answers, passphrase })
      .then(
        () => {
          setPassphrase('');
          toast('Backup checked: your recovery words are right.', 'success');
          onDone();
        },
        (err: unknown) => setError(asError(err)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel stack" aria-labelledby="identity-backup">
      <h3 id="identity-backup">Back up your recovery words</h3>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {shown ? (
        <>
          <p className="lede" role="note">
            Write these {shown.length} words on paper, in this order, and keep them somewhere safe and offline. Anyone who has them controls your identity. They are
            the only way back if you forget your passphrase. Do not photograph them or paste them anywhere.
          </p>
          <ol aria-label="Recovery words" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))', gap: '0.25rem 1rem', fontFamily: 'monospace', fontSize: '1.05rem' }}>
            {shown.map((word, i) => (
              <li key={i}>{word}</li>
            ))}
          </ol>
          <div className="row">
            <Button variant="primary" onClick={ask}>
              I wrote them down
            </Button>
            <Button variant="ghost" onClick={onDone}>
              Later
            </Button>
          </div>
        </>
      ) : positions ? (
        <form className="stack" onSubmit={confirm}>
          <p className="lede">From what you wrote down, enter these words, then your passphrase.</p>
          <div className="row">
            {positions.map((p) => (
              <label className="field" key={p} htmlFor={`backup-word-${p}`}>
                Word {p}
                <input
                  id={`backup-word-${p}`}
                  value={answers[String(p)] ?? ''}
                  onChange={(e) => setAnswers((a) => ({ ...a, [String(p)]: e.target.value }))}
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  required
                />
              </label>
            ))}
            <PassphraseField id="backup-pass" label="Passphrase" value={passphrase} onChange={setPassphrase} autoComplete="current-password" />
          </div>
          <div className="row">
            <Button type="submit" variant="primary" busy={busy} disabled={passphrase === ''}>
              Check
            </Button>
            <Button variant="ghost" onClick={onDone}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <form className="stack" onSubmit={reveal}>
          <p className="lede">To see your recovery words again, enter your passphrase. Make sure nobody is looking at your screen.</p>
          <div className="row">
            <PassphraseField id="reveal-pass" label="Passphrase" value={passphrase} onChange={setPassphrase} autoComplete="current-password" />
            <Button type="submit" busy={busy} disabled={passphrase === ''}>
              Show the words
            </Button>
            <Button onClick={ask}>I have them: check me</Button>
            <Button variant="ghost" onClick={onDone}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}

function CreateForm({ onCreated }: { onCreated: (words: string[]) => void }) {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    client
      .call('identity.create', { passphrase })
      .then(
        (r) => {
          setPassphrase('');
          setRepeat('');
          onCreated(r.words);
        },
        (err: unknown) => setError(asError(err)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form className="stack" onSubmit={submit} aria-labelledby="identity-create">
      <h3 id="identity-create">Create a new identity</h3>
      <p className="lede">A new key, kept on this computer encrypted with your passphrase. You will see its recovery words once, to write down.</p>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <NewPassphrase idPrefix="create" value={passphrase} repeat={repeat} onChange={setPassphrase} onRepeat={setRepeat} />
      <div className="row">
        <Button type="submit" variant="primary" busy={busy} disabled={!newPassphraseReady(passphrase, repeat)}>
          Create identity
        </Button>
      </div>
    </form>
  );
}

function ImportForm({ replace, onImported }: { replace: boolean; onImported: (status: IdentityStatus) => void }) {
  const client = useClient();
  const [source, setSource] = useState<'words' | 'keystore'>('words');
  const [phrase, setPhrase] = useState('');
  const [keystore, setKeystore] = useState<{ name: string; json: string }>();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const ready = source === 'words' ? phrase.trim() !== '' && newPassphraseReady(passphrase, repeat) : keystore !== undefined && passphrase !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const call =
      source === 'words'
        ? client.call('identity.importMnemonic', { phrase, passphrase, replace })
        : client.call('identity.importKeystore', { json: keystore!.json, passphrase, replace });
    call
      .then(
        (status) => {
          setPhrase('');
          setPassphrase('');
          setRepeat('');
          onImported(status);
        },
        (err: unknown) => setError(asError(err)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form className="stack" onSubmit={submit} aria-labelledby={`identity-import-${replace ? 'replace' : 'new'}`}>
      <h3 id={`identity-import-${replace ? 'replace' : 'new'}`}>{replace ? 'Replace this identity' : 'Import an identity'}</h3>
      {replace ? (
        <p className="lede" role="note">
          The identity this studio has now is lost unless you have its recovery words or an exported keystore: twins it signed can then no longer be changed.
        </p>
      ) : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <fieldset>
        <legend>From</legend>
        <label className="choice">
          <input type="radio" name={`import-source-${replace}`} checked={source === 'words'} onChange={() => setSource('words')} />
          Recovery words
        </label>
        <label className="choice">
          <input type="radio" name={`import-source-${replace}`} checked={source === 'keystore'} onChange={() => setSource('keystore')} />
          Keystore file (JSON)
        </label>
      </fieldset>
      {source === 'words' ? (
        <>
          <label className="field" htmlFor={`import-words-${replace}`}>
            Recovery words, in order, separated by spaces
            <textarea id={`import-words-${replace}`} rows={3} value={phrase} onChange={(e) => setPhrase(e.target.value)} autoComplete="off" autoCapitalize="none" spellCheck={false} />
          </label>
          <NewPassphrase idPrefix={`import-${replace}`} value={passphrase} repeat={repeat} onChange={setPassphrase} onRepeat={setRepeat} />
        </>
      ) : (
        <div className="row">
          <label className="btn btn-secondary">
            {keystore ? `Keystore: ${keystore.name}` : 'Choose a keystore file…'}
            <input
              type="file"
              accept=".json,application/json"
              className="visually-hidden"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void file.text().then((json) => setKeystore({ name: file.name, json }), (err: unknown) => setError(asError(err)));
              }}
            />
          </label>
          <PassphraseField id={`import-keystore-pass-${replace}`} label="The keystore's passphrase" value={passphrase} onChange={setPassphrase} autoComplete="current-password" />
        </div>
      )}
      <div className="row">
        <Button type="submit" variant={replace ? 'danger' : 'primary'} busy={busy} disabled={!ready}>
          {replace ? 'Replace identity' : 'Import identity'}
        </Button>
      </div>
    </form>
  );
}

function UnlockControls({ status, onStatus, onError }: { status: IdentityStatus; onStatus: (s: IdentityStatus) => void; onError: (e: Error) => void }) {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [minutes, setMinutes] = useState(15);
  const [busy, setBusy] = useState(false);
  const unlock = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    client
      .call('identity.unlock', { passphrase, minutes })
      .then((s) => (setPassphrase(''), onStatus(s)), (err: unknown) => onError(asError(err)))
      .finally(() => setBusy(false));
  };
  const lock = () => void client.call('identity.lock', {}).then(onStatus, (err: unknown) => onError(asError(err)));
  const remaining = useRemaining(status.unlockExpiresAt, lock);
  if (status.unlocked) {
    return (
      <div className="row">
        <span role="timer" aria-live="off">
          Unlocked: locks again in {remaining === undefined ? '–' : formatRemaining(remaining)}
        </span>
        <Button onClick={lock}>Lock now</Button>
      </div>
    );
  }
  return (
    <form className="row" onSubmit={unlock} aria-label="Unlock your identity">
      <PassphraseField id="unlock-pass" label="Passphrase" value={passphrase} onChange={setPassphrase} autoComplete="current-password" />
      <label className="field" htmlFor="unlock-minutes">
        Keep unlocked for
        <select id="unlock-minutes" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {[5, 15, 30, 60, 120].map((m) => (
            <option key={m} value={m}>
              {m} minutes
            </option>
          ))}
        </select>
      </label>
      <Button type="submit" variant="primary" busy={busy} disabled={passphrase === ''}>
        Unlock
      </Button>
    </form>
  );
}

export function IdentitySection() {
  const client = useClient();
  const toast = useToast();
  const loaded = useCall('identity.status', {});
  const [local, setLocal] = useState<IdentityStatus>();
  const [backup, setBackup] = useState<{ words?: string[] }>();
  const [error, setError] = useState<Error>();
  const status = local ?? loaded.data;

  const copyAddress = () => {
    if (!status?.address) return;
    navigator.clipboard.writeText(status.address).then(
      () => toast('Address copied', 'success'),
      () => toast('Could not copy: select the address and copy it by hand', 'error'),
    );
  };
  const exportKeystore = () =>
    client.call('identity.exportKeystore', {}).then(({ json }) => {
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `likeness-identity-${status?.address ?? 'keystore'}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast('Keystore saved: it opens only with your passphrase', 'success');
    }, (err: unknown) => setError(asError(err)));
  const refresh = () => {
    setLocal(undefined);
    loaded.reload();
  };

  return (
    <section className="panel stack" aria-labelledby="identity">
      <h2 id="identity">Identity</h2>
      <p className="lede">
        Your identity is an Ethereum key that signs your twin, its rules and the licences you grant. It stays on this computer, encrypted with your passphrase; only
        signatures leave it.
      </p>
      {loaded.error ? <ErrorBanner error={loaded.error} onRetry={refresh} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {backup ? (
        <BackupWords
          words={backup.words}
          onDone={() => {
            setBackup(undefined);
            refresh();
          }}
        />
      ) : null}
      {status && !status.exists && !backup ? (
        <>
          <CreateForm
            onCreated={(words) => {
              setBackup({ words });
              refresh();
            }}
          />
          <ImportForm replace={false} onImported={setLocal} />
        </>
      ) : null}
      {status?.exists ? (
        <>
          <dl className="facts">
            <dt>Address</dt>
            <dd>
              <span className="row">
                <code>{status.address}</code>
                <Button variant="ghost" onClick={copyAddress} aria-label="Copy the address">
                  Copy
                </Button>
              </span>
            </dd>
            <dt>Recovery words</dt>
            <dd>{status.backedUp ? 'Backed up' : 'Not checked yet'}</dd>
          </dl>
          <UnlockControls status={status} onStatus={setLocal} onError={setError} />
          <div className="row">
            {!backup ? <Button onClick={() => setBackup({})}>{status.backedUp ? 'Show recovery words' : 'Back up recovery words'}</Button> : null}
            <Button onClick={() => void exportKeystore()}>Export keystore</Button>
          </div>
          <details>
            <summary>Replace this identity</summary>
            <ImportForm replace onImported={setLocal} />
          </details>
        </>
      ) : null}
    </section>
  );
}
