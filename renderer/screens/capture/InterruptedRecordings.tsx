// Recordings cut off by a crash or a closed window, offered for recovery into takes or for deletion; renderer.
import { useState } from 'react';
import type { InterruptedRecording } from '../../../main/contract/models.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, formatBytes, useToast } from '../../design/index.js';

function describe(recording: InterruptedRecording): string {
  if (recording.kind === null) return 'A recording whose details were lost';
  const what = { voice: 'Voice take', face: 'Face take', consent: 'Consent take' }[recording.kind];
  return `${what}${recording.promptId ? ` for prompt ${recording.promptId}` : ''} (${recording.language})`;
}

export function InterruptedRecordings({ onRecovered }: { onRecovered: () => void }) {
  const client = useClient();
  const toast = useToast();
  const interrupted = useCall('capture.interrupted', {});
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  if (!interrupted.data || interrupted.data.length === 0) return null;

  const act = (id: string, action: () => Promise<string>) => {
    setBusy(id);
    action()
      .then((message) => {
        toast(message, 'success');
        interrupted.reload();
        onRecovered();
      }, (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))))
      .finally(() => setBusy(undefined));
  };

  return (
    <section className="panel stack" aria-labelledby="interrupted-heading">
      <h2 id="interrupted-heading">Interrupted recordings</h2>
      <p className="lede">These recordings were cut off (the app closed or crashed while recording). What reached the disk is kept: recover it as a take, or delete it.</p>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <ul className="take-list" aria-label="Interrupted recordings">
        {interrupted.data.map((r) => (
          <li key={r.id} className="take-row" data-recording-id={r.id}>
            <span className="chip chip-warn">Interrupted</span>
            <span>
              {describe(r)} <span className="take-figures">{`${formatBytes(r.bytes)} · ${new Date(r.modifiedAt).toLocaleString()}`}</span>
            </span>
            <span className="row">
              {r.kind !== null && r.kind !== 'consent' ? (
                <Button
                  busy={busy === r.id}
                  disabled={busy !== undefined}
                  onClick={() => act(r.id, () => client.call('capture.recover', { id: r.id }).then(({ takes }) => `Recovered ${takes.length} take${takes.length === 1 ? '' : 's'}.`))}
                >
                  Recover
                </Button>
              ) : null}
              <Button variant="ghost" disabled={busy !== undefined} onClick={() => act(r.id, () => client.call('capture.record.discard', { id: r.id }).then(() => 'Recording deleted.'))}>
                Delete
              </Button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
