// What can be done to one twin: grant a key, publish new rules, rotate, export, push to a registry, erase its keys, remove it; renderer.
import { type FormEvent, type ReactNode, useState } from 'react';
import type { TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, formatBytes, useToast } from '../../design/index.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { draftFromRules } from './rules-draft.js';
import { RulesEditor, useRulesPreview } from './RulesEditor.js';
import { asError, sameAddress, shortAddress } from './shared.js';

/** Whether the unlocked identity may sign for this twin, and if not, why in words. */
export interface SigningRight {
  can: boolean;
  why: string | undefined;
}

interface ActionProps {
  twin: TwinSummary;
  onChanged: () => void;
}

/** One action's disclosure: a summary line to open it, its form inside; the busy/error plumbing every action shares. */
function Action({ title, children, danger = false }: { title: string; children: ReactNode; danger?: boolean }) {
  return (
    <details style={{ borderTop: '1px solid var(--border)', paddingTop: '0.5rem' }}>
      <summary style={{ cursor: 'pointer', fontWeight: 600, color: danger ? 'var(--danger)' : undefined }}>{title}</summary>
      <div className="stack" style={{ marginTop: '0.5rem' }}>
        {children}
      </div>
    </details>
  );
}

function useRun() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = <T,>(work: () => Promise<T>, done: (value: T) => void) => {
    setBusy(true);
    setError(undefined);
    work()
      .then(done, (e: unknown) => setError(asError(e)))
      .finally(() => setBusy(false));
  };
  const banner = error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null;
  return { busy, run, banner };
}

function Why({ right }: { right: SigningRight }) {
  return right.why ? <p className="lede" style={{ margin: 0 }}>{right.why}</p> : null;
}

export function GrantKey({ twin, onChanged, right }: ActionProps & { right: SigningRight }) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [publicKey, setPublicKey] = useState('');
  const fieldId = `grant-key-${twin.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      () => client.call('twin.grant', { id: twin.id, publicKey: publicKey.trim() }),
      (granted) => {
        setPublicKey('');
        toast(granted.added ? `Granted a key to ${granted.recipient}` : `${granted.recipient} already holds a key`, 'success');
        onChanged();
      },
    );
  };
  return (
    <Action title="Grant a key">
      <p className="lede" style={{ margin: 0 }}>
        Wraps the twin's content key for a licensee's public key, so they can open it. The manifest and its signature do not change.
      </p>
      {banner}
      <form className="stack" onSubmit={submit}>
        <label className="field" htmlFor={fieldId}>
          Licensee's public key
          <textarea
            id={fieldId}
            rows={2}
            value={publicKey}
            onChange={(e) => setPublicKey(e.target.value)}
            placeholder="0x02…"
            spellCheck={false}
            autoCapitalize="none"
            autoComplete="off"
            aria-describedby={`${fieldId}-help`}
            style={{ fontFamily: 'monospace' }}
          />
        </label>
        <p id={`${fieldId}-help`} className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
          0x and 66 hex digits (compressed) or 130 (uncompressed). A public key only: never ask anyone for a private key.
        </p>
        <Why right={right} />
        <div className="row">
          <Button type="submit" variant="primary" busy={busy} disabled={!right.can || publicKey.trim() === ''}>
            Grant key
          </Button>
        </div>
      </form>
    </Action>
  );
}

export function PublishRules({ twin, onChanged, right }: ActionProps & { right: SigningRight }) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [draft, setDraft] = useState(() => draftFromRules(twin.rules));
  const preview = useRulesPreview(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      () => client.call('twin.rules', { id: twin.id, rules: preview.rules }),
      (published) => {
        const onChain = published.queuedOn.length === 0 ? '' : `; its on-chain update waits in the outbox for Publish (chain ${published.queuedOn.join(', ')})`;
        toast(`Published rules version ${published.version}${onChain}`, 'success');
        onChanged();
      },
    );
  };
  return (
    <Action title="Publish new rules">
      <p className="lede" style={{ margin: 0 }}>
        Signs these rules as version {twin.rulesVersion + 1}, which becomes the twin's current rules. The sealed parts and the manifest's signature stay as they are.
      </p>
      {banner}
      <form className="stack" onSubmit={submit}>
        <RulesEditor draft={draft} onChange={setDraft} preview={preview} label={`New rules for ${twin.name}`} />
        <Why right={right} />
        <div className="row">
          <Button type="submit" variant="primary" busy={busy} disabled={!right.can || !preview.ready}>
            Sign and publish version {twin.rulesVersion + 1}
          </Button>
          <Button variant="ghost" onClick={() => setDraft(draftFromRules(twin.rules))}>
            Start again from the current rules
          </Button>
        </div>
      </form>
    </Action>
  );
}

export function RotateKey({ twin, onChanged, right }: ActionProps & { right: SigningRight }) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [revoke, setRevoke] = useState<string[]>([]);
  const others = twin.recipients.filter((r) => !sameAddress(r.address, twin.owner));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      () => client.call('twin.rotate', { id: twin.id, revoke }),
      (rotated) => {
        setRevoke([]);
        toast(`Rotated: ${rotated.revoked.length} revoked, ${rotated.recipients.length} licensee key${rotated.recipients.length === 1 ? '' : 's'} re-wrapped`, 'success');
        onChanged();
      },
    );
  };
  return (
    <Action title="Rotate the key">
      <p className="lede" style={{ margin: 0 }}>
        Re-encrypts every part under a new content key and wraps it again for you and the recipients you keep. A revoked recipient cannot open the rotated twin,
        but a copy they already have still opens with their old key. The manifest digest changes: share the rotated twin again.
      </p>
      {banner}
      <form className="stack" onSubmit={submit}>
        {others.length === 0 ? (
          <p className="lede" style={{ margin: 0 }}>
            Nobody else holds a key: rotating only changes the key.
          </p>
        ) : (
          <fieldset>
            <legend>Revoke</legend>
            {others.map((r) => (
              <label className="choice" key={r.address} style={{ display: 'flex' }}>
                <input
                  type="checkbox"
                  checked={revoke.includes(r.address)}
                  onChange={(e) => setRevoke((list) => (e.target.checked ? [...list, r.address] : list.filter((a) => a !== r.address)))}
                />
                <code>{r.address}</code>
              </label>
            ))}
          </fieldset>
        )}
        <Why right={right} />
        <div className="row">
          <Button type="submit" variant="primary" busy={busy} disabled={!right.can}>
            {revoke.length === 0 ? 'Rotate key' : `Rotate key and revoke ${revoke.length}`}
          </Button>
        </div>
      </form>
    </Action>
  );
}

export function ExportTwin({ twin }: { twin: TwinSummary }) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [path, setPath] = useState('');
  const fieldId = `export-path-${twin.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      () => client.call('twin.export', { id: twin.id, path: path.trim() }),
      (written) => toast(`Wrote ${written.path} (${formatBytes(written.bytes)})`, 'success'),
    );
  };
  return (
    <Action title="Export to a file">
      <p className="lede" style={{ margin: 0 }}>
        One file (a tar of the twin's OCI layout) to hand to someone or keep as a backup. Its parts stay encrypted.
      </p>
      {banner}
      <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={submit}>
        <label className="field" htmlFor={fieldId} style={{ flex: '1 1 20rem' }}>
          New file on the studio's computer (full path)
          <input id={fieldId} value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/my-twin.tar" spellCheck={false} autoCapitalize="none" />
        </label>
        <Button type="submit" busy={busy} disabled={path.trim() === ''}>
          Export
        </Button>
      </form>
    </Action>
  );
}

export function PushTwin({ twin }: { twin: TwinSummary }) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [registry, setRegistry] = useState('');
  const [repository, setRepository] = useState('');
  const [tag, setTag] = useState('');
  const [token, setToken] = useState('');
  const id = `push-${twin.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      () =>
        client.call('twin.push', {
          id: twin.id,
          registry: registry.trim(),
          repository: repository.trim(),
          ...(tag.trim() ? { tag: tag.trim() } : {}),
          ...(token ? { token } : {}),
        }),
      (pushed) => {
        setToken('');
        toast(`Pushed ${pushed.reference} with its signature, keys and rules`, 'success');
      },
    );
  };
  return (
    <Action title="Push to a registry">
      <p className="lede" style={{ margin: 0 }}>
        Any OCI registry (GitHub, Docker Hub, your own). The parts travel encrypted; the signature, keys and rules go with them.
      </p>
      {banner}
      <form className="stack" onSubmit={submit}>
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <label className="field" htmlFor={`${id}-registry`}>
            Registry URL
            <input id={`${id}-registry`} type="url" value={registry} onChange={(e) => setRegistry(e.target.value)} placeholder="https://ghcr.io" spellCheck={false} />
          </label>
          <label className="field" htmlFor={`${id}-repository`}>
            Repository
            <input id={`${id}-repository`} value={repository} onChange={(e) => setRepository(e.target.value)} placeholder="me/my-twin" spellCheck={false} autoCapitalize="none" />
          </label>
          <label className="field" htmlFor={`${id}-tag`}>
            Tag (optional)
            <input id={`${id}-tag`} value={tag} onChange={(e) => setTag(e.target.value)} placeholder="v1" spellCheck={false} autoCapitalize="none" size={10} />
          </label>
          <label className="field" htmlFor={`${id}-token`}>
            Token (optional)
            <input id={`${id}-token`} type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} aria-describedby={`${id}-token-help`} />
          </label>
        </div>
        <p id={`${id}-token-help`} className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
          The token is sent to the registry for this push only; the studio never stores or shows it.
        </p>
        <div className="row">
          <Button type="submit" variant="primary" busy={busy} disabled={registry.trim() === '' || repository.trim() === ''}>
            Push
          </Button>
        </div>
      </form>
    </Action>
  );
}

export function EraseKeys({ twin, onChanged }: ActionProps) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [confirming, setConfirming] = useState(false);
  const erase = () =>
    run(
      () => client.call('twin.erase', { id: twin.id }),
      (erased) => {
        setConfirming(false);
        toast(`Erased ${erased.envelopesRemoved} key envelope${erased.envelopesRemoved === 1 ? '' : 's'}: this copy can no longer be opened here`, 'success');
        onChanged();
      },
    );
  return (
    <Action title="Erase keys" danger>
      <p className="lede" style={{ margin: 0 }}>
        Crypto-shredding: destroys every key to this copy of the twin, so nothing on this computer can decrypt it any more.
      </p>
      {confirming ? null : banner}
      <div className="row">
        <Button variant="danger" onClick={() => setConfirming(true)} disabled={twin.recipients.length === 0}>
          {twin.recipients.length === 0 ? 'Keys already erased' : 'Erase keys…'}
        </Button>
      </div>
      <ConfirmDialog open={confirming} title={`Erase the keys to “${twin.name}”?`} confirmLabel="Erase keys" busy={busy} onConfirm={erase} onCancel={() => setConfirming(false)}>
        <p>
          This is crypto-shredding. The twin's parts are encrypted with one content key, and this copy keeps that key only inside its key envelopes, one per
          recipient listed under Keys ({twin.recipients.length} now). Erasing destroys every envelope and anything opened from the twin, so the encrypted parts
          left here can never be decrypted again, not even by you.
        </p>
        {banner}
        <p>
          It cannot be undone. Copies already exported or pushed keep their own envelopes and still open for whoever holds a key to them: erasing here does
          not reach them.
        </p>
      </ConfirmDialog>
    </Action>
  );
}

export function RemoveTwin({ twin, onRemoved }: { twin: TwinSummary; onRemoved: () => void }) {
  const client = useClient();
  const toast = useToast();
  const { busy, run, banner } = useRun();
  const [confirming, setConfirming] = useState(false);
  const remove = () =>
    run(
      () => client.call('twin.remove', { id: twin.id }),
      () => {
        setConfirming(false);
        toast(`Removed “${twin.name}” from this studio`, 'success');
        onRemoved();
      },
    );
  return (
    <Action title="Remove from this studio" danger>
      <p className="lede" style={{ margin: 0 }}>
        Deletes this twin's folder here: its encrypted parts, keys, rules and anything opened. Your models stay in the studio.
      </p>
      {confirming ? null : banner}
      <div className="row">
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Remove twin…
        </Button>
      </div>
      <ConfirmDialog open={confirming} title={`Remove “${twin.name}” from this studio?`} confirmLabel="Remove twin" busy={busy} onConfirm={remove} onCancel={() => setConfirming(false)}>
        <p>
          The twin owned by {shortAddress(twin.owner)} is deleted from this computer. Copies you exported or pushed are not affected, and your trained models stay:
          you can seal a new twin from them.
        </p>
        {banner}
      </ConfirmDialog>
    </Action>
  );
}
