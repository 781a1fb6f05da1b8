// A provenance verdict as the Compose screen shows it: the badge, what it proves in words, and each check with its detail; renderer.
import type { VerifyVerdict } from '../../../main/contract/compose.js';
import { CHECK_LABELS, STATUS_CLASSES, STATUS_LABELS, VERDICT_CHIPS, VERDICT_LABELS } from './format.js';

export function VerdictBadge({ verdict }: { verdict: VerifyVerdict }) {
  return <span className={`chip ${VERDICT_CHIPS[verdict.verdict]}`}>{VERDICT_LABELS[verdict.verdict]}</span>;
}

/** The strength sentence, then every check: pass, fail or unknown, with what it found. */
export function VerdictDetails({ verdict }: { verdict: VerifyVerdict }) {
  return (
    <div className="stack" style={{ gap: '0.5rem' }}>
      <p style={{ margin: 0 }}>
        <strong>What this proves:</strong> {verdict.strength}
      </p>
      <ul className="checks" aria-label="Provenance checks">
        {verdict.checks.map((check) => (
          <li key={`${check.name}:${check.detail}`} className="check">
            <span className={STATUS_CLASSES[check.status]}>{STATUS_LABELS[check.status]}</span>
            <span>{CHECK_LABELS[check.name]}</span>
            <span style={{ overflowWrap: 'anywhere' }}>{check.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
