// A licensee's request pasted or loaded and checked against the twin's current rules: allowed, or each broken rule
// named; the request is kept (requested or refused) for the list below; renderer.
import { useState } from 'react';
import type { LicenceEvaluation, TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner } from '../../design/index.js';
import { asError } from '../twin/shared.js';
import { JsonFileField } from './files.js';

const RULE_LABELS: Record<string, string> = {
  purpose: 'Purpose',
  language: 'Language',
  category: 'Blocked category',
  term: 'Blocked term',
  expired: 'Rules expiry',
  'licence-term': 'Licence term',
  'max-renders': 'Number of renders',
};

export function EvaluateRequest({ twin, onEvaluated }: { twin: TwinSummary; onEvaluated: () => void }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [result, setResult] = useState<LicenceEvaluation>();

  const evaluate = () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    client
      .call('ledger.evaluate', { twinId: twin.id, request: text })
      .then(
        (evaluation) => {
          setResult(evaluation);
          onEvaluated();
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel stack" aria-labelledby="licence-evaluate">
      <h2 id="licence-evaluate">Check a licence request</h2>
      <p className="lede" style={{ margin: 0 }}>
        A licensee sends a request file (made with <code>likeness license request</code>). It is checked against {twin.name}'s current rules and kept in the list
        below, whatever the answer; nothing is granted yet.
      </p>
      <JsonFileField label="Licence request (JSON)" loadLabel="Load a request file…" value={text} onChange={setText} onError={setError} />
      <div className="row">
        <Button variant="primary" onClick={evaluate} busy={busy} disabled={text.trim() === ''}>
          Check against the rules
        </Button>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {result ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          {result.state === 'granted' || result.state === 'revoked' ? (
            <p style={{ margin: 0 }}>This licence was already {result.state}; it keeps that state.</p>
          ) : null}
          {result.allowed ? (
            <p style={{ margin: 0 }}>
              <span className="badge badge-completed">allowed</span> The request keeps every rule. Grant it from the list below.
            </p>
          ) : (
            <>
              <p style={{ margin: 0 }}>
                <span className="badge badge-failed">refused</span> The request breaks {result.violations.length === 1 ? 'one rule' : `${result.violations.length} rules`}:
              </p>
              <ul aria-label="Rules the request breaks" style={{ margin: 0 }}>
                {result.violations.map((v, i) => (
                  <li key={`${v.rule}-${i}`}>
                    <strong>{RULE_LABELS[v.rule] ?? v.rule}:</strong> {v.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
            Licence <code style={{ wordBreak: 'break-all' }}>{result.licenseHash}</code>
          </p>
        </div>
      ) : null}
    </section>
  );
}
