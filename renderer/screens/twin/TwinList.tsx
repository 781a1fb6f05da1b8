// The studio's twins, each with its verification badge (twin.verify: signatures and every layer's digest) and the problems it names; renderer.
import { useCallback, useEffect, useState } from 'react';
import type { TwinSummary, TwinVerification } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, formatBytes } from '../../design/index.js';
import { asError, formatWhen, shortAddress } from './shared.js';

export type VerifyState = { state: 'checking' } | { state: 'done'; result: TwinVerification } | { state: 'failed'; error: Error };

/** What a verification was of: a new manifest, rules version or set of keys needs checking again. */
const signatureOf = (twin: TwinSummary) => `${twin.manifestDigest}:${twin.rulesVersion}:${twin.recipients.map((r) => r.address).join(',')}`;

export interface Verifications {
  of(twin: TwinSummary): VerifyState;
  /** Checks the twin again, now. */
  reverify(id: string): void;
  /** Keeps a verification made elsewhere (with decryption) as the twin's badge. */
  record(twin: TwinSummary, result: TwinVerification): void;
}

/** Verifies every twin listed, one at a time (each hashes all its layers), and again whenever one changes. */
export function useVerifications(twins: readonly TwinSummary[]): Verifications {
  const client = useClient();
  const [results, setResults] = useState<Record<string, { signature: string; state: VerifyState }>>({});
  const next = twins.find((t) => results[t.id]?.signature !== signatureOf(t));
  const nextId = next?.id;
  const nextSignature = next ? signatureOf(next) : undefined;
  useEffect(() => {
    if (!nextId || !nextSignature) return;
    let live = true;
    const settle = (state: VerifyState) => live && setResults((all) => ({ ...all, [nextId]: { signature: nextSignature, state } }));
    client.call('twin.verify', { id: nextId }).then(
      (result) => settle({ state: 'done', result }),
      (error: unknown) => settle({ state: 'failed', error: asError(error) }),
    );
    return () => {
      live = false;
    };
  }, [client, nextId, nextSignature]);
  const reverify = useCallback(
    (id: string) =>
      setResults((all) => {
        const { [id]: _dropped, ...rest } = all;
        return rest;
      }),
    [],
  );
  const record = useCallback((twin: TwinSummary, result: TwinVerification) => setResults((all) => ({ ...all, [twin.id]: { signature: signatureOf(twin), state: { state: 'done', result } } })), []);
  return {
    of: (twin) => {
      const found = results[twin.id];
      return found && found.signature === signatureOf(twin) ? found.state : { state: 'checking' };
    },
    reverify,
    record,
  };
}

export function VerificationBadge({ state }: { state: VerifyState }) {
  if (state.state === 'checking') return <span className="chip">Verifying…</span>;
  if (state.state === 'failed') return <span className="chip chip-warn">Could not verify: {state.error.message}</span>;
  const { result } = state;
  if (!result.ok) return <span className="chip chip-fail">Not verified</span>;
  return (
    <span className="chip chip-pass" title={result.owner ?? undefined}>
      Verified: signed by {result.owner ? shortAddress(result.owner) : 'its owner'}
      {result.decrypted ? ', every layer decrypts' : ''}
    </span>
  );
}

/** The problems a verification named, each with the part it is in. */
export function VerificationProblems({ state, className = 'take-reasons' }: { state: VerifyState; className?: string }) {
  if (state.state !== 'done' || state.result.problems.length === 0) return null;
  return (
    <ul className={className} aria-label="Verification problems">
      {state.result.problems.map((p) => (
        <li key={`${p.part}:${p.message}`}>
          <strong>{p.part}</strong>: {p.message}
        </li>
      ))}
    </ul>
  );
}

export interface TwinListProps {
  twins: readonly TwinSummary[];
  selected: string | undefined;
  onSelect: (id: string) => void;
  verifications: Verifications;
}

export function TwinList({ twins, selected, onSelect, verifications }: TwinListProps) {
  return (
    <ul className="take-list" aria-label="Your twins">
      {twins.map((twin) => {
        const state = verifications.of(twin);
        const isSelected = twin.id === selected;
        const bytes = twin.parts.reduce((sum, p) => sum + p.size, 0);
        return (
          <li key={twin.id} className="take-row" data-twin-id={twin.id} aria-current={isSelected ? 'true' : undefined} style={isSelected ? { borderColor: 'var(--accent)' } : undefined}>
            <VerificationBadge state={state} />
            <span>
              <strong>{twin.name}</strong>{' '}
              <span className="take-figures">
                sealed {formatWhen(twin.createdAt)} · {twin.parts.length} parts, {formatBytes(bytes)} · rules version {twin.rulesVersion} ·{' '}
                {twin.recipients.length === 0 ? 'keys erased here' : `${twin.recipients.length} key${twin.recipients.length === 1 ? '' : 's'}`}
              </span>
            </span>
            <Button variant={isSelected ? 'primary' : 'secondary'} onClick={() => onSelect(twin.id)} aria-pressed={isSelected} aria-label={`Show ${twin.name}`}>
              {isSelected ? 'Shown' : 'Show'}
            </Button>
            <VerificationProblems state={state} />
          </li>
        );
      })}
    </ul>
  );
}
