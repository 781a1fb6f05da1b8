// Receive a twin: import one exported as a file, or pull one from an OCI registry; kept only if every check passes; renderer.
import { type FormEvent, useState } from 'react';
import type { TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { asError } from './shared.js';

export function ReceiveTwin({ onReceived }: { onReceived: (twin: TwinSummary) => void }) {
  const client = useClient();
  const toast = useToast();
  const [path, setPath] = useState('');
  const [registry, setRegistry] = useState('');
  const [repository, setRepository] = useState('');
  const [reference, setReference] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState<'import' | 'pull'>();
  const [error, setError] = useState<Error>();

  const receive = (kind: 'import' | 'pull', work: () => Promise<TwinSummary>, done: () => void) => {
    setBusy(kind);
    setError(undefined);
    work()
      .then(
        (twin) => {
          done();
          toast(`${kind === 'import' ? 'Imported' : 'Pulled'} and verified “${twin.name}”`, 'success');
          onReceived(twin);
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(undefined));
  };
  const importFile = (e: FormEvent) => {
    e.preventDefault();
    receive('import', () => client.call('twin.import', { path: path.trim() }), () => setPath(''));
  };
  const pull = (e: FormEvent) => {
    e.preventDefault();
    receive(
      'pull',
      () => client.call('twin.pull', { registry: registry.trim(), repository: repository.trim(), reference: reference.trim(), ...(token ? { token } : {}) }),
      () => setToken(''),
    );
  };

  return (
    <section className="panel stack" aria-labelledby="twin-receive">
      <h2 id="twin-receive">Receive a twin</h2>
      <p className="lede">A twin from a file or a registry is checked completely (structure, every digest, every signature) and kept only if it passes.</p>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={importFile} aria-label="Import a twin file">
        <label className="field" htmlFor="twin-import-path" style={{ flex: '1 1 20rem' }}>
          Twin file on the studio's computer (full path)
          <input id="twin-import-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/my-twin.tar" spellCheck={false} autoCapitalize="none" />
        </label>
        <Button type="submit" busy={busy === 'import'} disabled={path.trim() === '' || busy !== undefined}>
          Import
        </Button>
      </form>
      <form className="stack" onSubmit={pull} aria-label="Pull a twin from a registry">
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <label className="field" htmlFor="twin-pull-registry">
            Registry URL
            <input id="twin-pull-registry" type="url" value={registry} onChange={(e) => setRegistry(e.target.value)} placeholder="https://ghcr.io" spellCheck={false} />
          </label>
          <label className="field" htmlFor="twin-pull-repository">
            Repository
            <input id="twin-pull-repository" value={repository} onChange={(e) => setRepository(e.target.value)} placeholder="me/my-twin" spellCheck={false} autoCapitalize="none" />
          </label>
          <label className="field" htmlFor="twin-pull-reference">
            Tag or digest
            <input id="twin-pull-reference" value={reference} onChange={(e) => setReference(e.target.value)} placeholder="v1" spellCheck={false} autoCapitalize="none" />
          </label>
          <label className="field" htmlFor="twin-pull-token">
            Token (optional)
            <input id="twin-pull-token" type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} aria-describedby="twin-pull-token-help" />
          </label>
          <Button type="submit" busy={busy === 'pull'} disabled={registry.trim() === '' || repository.trim() === '' || reference.trim() === '' || busy !== undefined}>
            Pull
          </Button>
        </div>
        <p id="twin-pull-token-help" className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
          The token is sent to the registry for this pull only; the studio never stores or shows it.
        </p>
      </form>
    </section>
  );
}
