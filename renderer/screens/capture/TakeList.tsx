// The takes of one kind and language with their status chips and the reasons a creator can act on; renderer.
import type { Take } from '../../../main/contract/models.js';
import { Button } from '../../design/index.js';

export function TakeStatus({ take }: { take: Take }) {
  const label = { pass: 'Good', warn: 'Check', fail: 'Redo' }[take.status];
  return <span className={`chip chip-${take.status}`}>{label}</span>;
}

export function takeFigures(take: Take): string {
  const m = take.metrics;
  return [
    `${m.durationSeconds.toFixed(1)} s`,
    m.integratedLufs === null ? 'silent' : `${m.integratedLufs.toFixed(1)} LUFS`,
    `SNR ${m.snrDb.toFixed(0)} dB`,
    `${Math.round(m.speechRatio * 100)}% speech`,
    ...(take.videoMetrics ? [`face in ${Math.round(take.videoMetrics.facePresentRatio * 100)}% of frames`] : []),
  ].join(' · ');
}

export function TakeList({ takes, onDelete }: { takes: readonly Take[]; onDelete: (take: Take) => void }) {
  return (
    <ul className="take-list" aria-label="Takes">
      {takes.map((take) => (
        <li key={take.id} className="take-row" data-take-id={take.id} data-status={take.status}>
          <TakeStatus take={take} />
          <span>
            {take.transcript ?? <em>untranscribed</em>} <span className="take-figures">{takeFigures(take)}</span>
          </span>
          <Button variant="ghost" onClick={() => onDelete(take)} aria-label={`Delete take ${take.transcript ?? take.sourceName}`}>
            Delete
          </Button>
          {take.reasons.length > 0 ? (
            <ul className="take-reasons">
              {take.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
