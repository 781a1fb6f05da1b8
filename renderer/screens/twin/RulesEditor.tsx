// The twin rules editor: purposes, languages, blocked content, AI label, expiry, validators and licence fee, with the
// studio's plain-language summary beside it and each error at its field, checked live by twin.rulesPreview; renderer.
import { type ReactNode, useEffect, useId, useState } from 'react';
import { TWIN_CONTENT_CATEGORIES, TWIN_PURPOSES } from '../../../main/contract/models.js';
import type { TwinRuleError } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { ErrorBanner } from '../../design/index.js';
import {
  CATEGORY_LABELS,
  PURPOSE_LABELS,
  type RulesDraft,
  type RulesField,
  datePart,
  ethToWei,
  fieldOf,
  mergeErrors,
  orderedCategories,
  orderedPurposes,
  rulesFromDraft,
} from './rules-draft.js';
import { asError } from './shared.js';

const PREVIEW_DELAY_MS = 250;

interface Preview {
  /** The draft it answers, so a stale answer never counts for newer text. */
  key: string;
  ok: boolean;
  errors: TwinRuleError[];
  summary: string[];
}

/** The rules the draft stands for, its errors by field, and whether the studio accepted exactly this draft. */
export function useRulesPreview(draft: RulesDraft) {
  const client = useClient();
  const { rules, localErrors } = rulesFromDraft(draft);
  const key = JSON.stringify(rules);
  const [preview, setPreview] = useState<Preview>();
  const [lastSummary, setLastSummary] = useState<string[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      client.call('twin.rulesPreview', { rules: JSON.parse(key) as Record<string, unknown> }).then(
        (answer) => {
          if (!live) return;
          setError(undefined);
          setPreview({ key, ...answer });
          if (answer.ok) setLastSummary(answer.summary);
        },
        (e: unknown) => live && setError(asError(e)),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, key]);
  const current = preview?.key === key;
  const errors = mergeErrors(localErrors, current ? preview.errors : []);
  const byField = new Map<RulesField, string[]>();
  for (const e of errors) {
    const { field, message } = fieldOf(e);
    byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  return {
    rules,
    byField,
    /** The summary of the last valid rules, kept while the next draft is checked or has errors. */
    summary: lastSummary,
    checking: !current && error === undefined,
    ready: current && preview.ok && localErrors.length === 0,
    error,
  };
}

export type RulesPreviewState = ReturnType<typeof useRulesPreview>;

function FieldErrors({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul id={id} className="rules-errors" style={{ color: 'var(--danger)', margin: 0, paddingLeft: '1.2rem', fontSize: '0.85rem' }}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** A group of fields with a legend and the errors that belong to it, announced by the inputs that describe themselves with them. */
function Group({ legend, errorId, messages, children }: { legend: string; errorId: string; messages: string[] | undefined; children: ReactNode }) {
  return (
    <fieldset className="stack" style={{ gap: '0.35rem', marginBottom: 0 }} aria-describedby={messages ? errorId : undefined}>
      <legend>{legend}</legend>
      {children}
      <FieldErrors id={errorId} messages={messages} />
    </fieldset>
  );
}

export interface RulesEditorProps {
  draft: RulesDraft;
  onChange: (draft: RulesDraft) => void;
  preview: RulesPreviewState;
  /** Names the editor's region, such as "Rules for the new twin". */
  label: string;
}

export function RulesEditor({ draft, onChange, preview, label }: RulesEditorProps) {
  const id = useId();
  const set = <K extends keyof RulesDraft>(key: K, value: RulesDraft[K]) => onChange({ ...draft, [key]: value });
  const errorsOf = (field: RulesField) => preview.byField.get(field);
  const errorId = (field: RulesField) => `${id}-${field}-errors`;
  const describe = (field: RulesField, extra?: string) => [errorsOf(field) ? errorId(field) : undefined, extra].filter(Boolean).join(' ') || undefined;
  const invalid = (field: RulesField) => (errorsOf(field) ? true : undefined);
  const fee = draft.fee ? ethToWei(draft.feeEth) : undefined;
  const general = errorsOf('general');

  return (
    <section className="row" style={{ alignItems: 'flex-start', gap: '1.25rem' }} aria-label={label}>
      <div className="stack" style={{ flex: '2 1 24rem' }}>
        <Group legend="May be used for" errorId={errorId('purposes')} messages={errorsOf('purposes')}>
          <div className="row" style={{ gap: '0.25rem 0' }}>
            {TWIN_PURPOSES.map((purpose) => (
              <label className="choice" key={purpose}>
                <input type="checkbox" checked={draft.purposes.includes(purpose)} onChange={(e) => set('purposes', orderedPurposes(draft.purposes, purpose, e.target.checked))} />
                {PURPOSE_LABELS[purpose]}
              </label>
            ))}
          </div>
        </Group>

        <Group legend="Languages" errorId={errorId('languages')} messages={errorsOf('languages')}>
          <div className="row" style={{ gap: '0.25rem 0' }}>
            <label className="choice">
              <input type="radio" name={`${id}-languages`} checked={draft.anyLanguage} onChange={() => set('anyLanguage', true)} />
              Any language
            </label>
            <label className="choice">
              <input type="radio" name={`${id}-languages`} checked={!draft.anyLanguage} onChange={() => set('anyLanguage', false)} />
              Only these languages
            </label>
          </div>
          {draft.anyLanguage ? null : (
            <label className="field" htmlFor={`${id}-language-tags`}>
              Language tags (BCP-47), separated by commas
              <input
                id={`${id}-language-tags`}
                value={draft.languages}
                onChange={(e) => set('languages', e.target.value)}
                placeholder="en, pt-BR"
                spellCheck={false}
                autoCapitalize="none"
                aria-invalid={invalid('languages')}
                aria-describedby={describe('languages')}
              />
            </label>
          )}
        </Group>

        <Group legend="Never for" errorId={errorId('blockedCategories')} messages={errorsOf('blockedCategories')}>
          <div className="row" style={{ gap: '0.25rem 0' }}>
            {TWIN_CONTENT_CATEGORIES.map((category) => (
              <label className="choice" key={category}>
                <input
                  type="checkbox"
                  checked={draft.blockedCategories.includes(category)}
                  onChange={(e) => set('blockedCategories', orderedCategories(draft.blockedCategories, category, e.target.checked))}
                />
                {CATEGORY_LABELS[category]}
              </label>
            ))}
          </div>
        </Group>

        <label className="field" htmlFor={`${id}-terms`}>
          Blocked words or phrases, one per line
          <textarea
            id={`${id}-terms`}
            rows={3}
            value={draft.blockedTerms}
            onChange={(e) => set('blockedTerms', e.target.value)}
            aria-invalid={invalid('blockedTerms')}
            aria-describedby={describe('blockedTerms')}
          />
        </label>
        <FieldErrors id={errorId('blockedTerms')} messages={errorsOf('blockedTerms')} />

        <label className="choice">
          <input type="checkbox" checked={draft.aiLabelRequired} onChange={(e) => set('aiLabelRequired', e.target.checked)} aria-describedby={describe('aiLabelRequired')} />
          Every video must carry a visible AI-generated label
        </label>
        <FieldErrors id={errorId('aiLabelRequired')} messages={errorsOf('aiLabelRequired')} />

        <Group legend="Expiry" errorId={errorId('expiresAt')} messages={errorsOf('expiresAt')}>
          <div className="row">
            <label className="choice">
              <input type="checkbox" checked={draft.expires} onChange={(e) => set('expires', e.target.checked)} />
              The rules expire
            </label>
            {draft.expires ? (
              <label className="field" htmlFor={`${id}-expires`}>
                Expiry date (UTC)
                <input
                  id={`${id}-expires`}
                  type="date"
                  value={datePart(draft.expiresAt)}
                  onChange={(e) => set('expiresAt', e.target.value ? `${e.target.value}T00:00:00Z` : '')}
                  aria-invalid={invalid('expiresAt')}
                  aria-describedby={describe('expiresAt')}
                />
              </label>
            ) : null}
          </div>
        </Group>

        <Group legend="Validators" errorId={errorId('validators')} messages={errorsOf('validators')}>
          <p className="lede" id={`${id}-validators-help`} style={{ margin: 0, fontSize: '0.85rem' }}>
            Addresses that approve each licence before it is valid. Leave empty and the threshold at 0 to approve every licence yourself.
          </p>
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <label className="field" htmlFor={`${id}-validators`} style={{ flex: '1 1 20rem' }}>
              Validator addresses, one per line
              <textarea
                id={`${id}-validators`}
                rows={2}
                value={draft.validators}
                onChange={(e) => set('validators', e.target.value)}
                placeholder="0x…"
                spellCheck={false}
                aria-invalid={invalid('validators')}
                aria-describedby={describe('validators', `${id}-validators-help`)}
              />
            </label>
            <label className="field" htmlFor={`${id}-threshold`}>
              Approvals needed
              <input
                id={`${id}-threshold`}
                type="number"
                min={0}
                max={32}
                step={1}
                value={draft.threshold}
                onChange={(e) => set('threshold', e.target.value)}
                aria-invalid={invalid('threshold')}
                aria-describedby={describe('threshold')}
              />
            </label>
          </div>
          <FieldErrors id={errorId('threshold')} messages={errorsOf('threshold')} />
        </Group>

        <Group legend="Licence fee" errorId={errorId('licenceFee')} messages={errorsOf('licenceFee')}>
          <div className="row">
            <label className="choice">
              <input type="checkbox" checked={draft.fee} onChange={(e) => set('fee', e.target.checked)} />
              Charge a licence fee
            </label>
            {draft.fee ? (
              <label className="field" htmlFor={`${id}-fee`}>
                Fee in ETH
                <input
                  id={`${id}-fee`}
                  inputMode="decimal"
                  value={draft.feeEth}
                  onChange={(e) => set('feeEth', e.target.value)}
                  placeholder="0.05"
                  spellCheck={false}
                  aria-invalid={invalid('licenceFee')}
                  aria-describedby={describe('licenceFee', `${id}-fee-wei`)}
                />
              </label>
            ) : null}
          </div>
          {fee?.ok ? (
            <p className="lede" id={`${id}-fee-wei`} style={{ margin: 0, fontSize: '0.85rem', overflowWrap: 'anywhere' }}>
              = {fee.wei} wei
            </p>
          ) : null}
        </Group>
      </div>

      <aside className="stack" style={{ flex: '1 1 16rem', background: 'var(--surface-2)', borderRadius: 'var(--radius)', padding: '0.75rem 1rem' }} aria-labelledby={`${id}-summary`}>
        <h3 id={`${id}-summary`}>In plain words</h3>
        {preview.error ? <ErrorBanner error={preview.error} /> : null}
        <div aria-live="polite" className="stack" style={{ gap: '0.5rem' }}>
          {general ? <FieldErrors id={errorId('general')} messages={general} /> : null}
          {preview.summary ? (
            <ul style={{ margin: 0, paddingLeft: '1.2rem', opacity: preview.ready ? 1 : 0.6 }} aria-label="Rules summary">
              {preview.summary.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
          <p className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
            {preview.checking ? 'Checking…' : preview.ready ? 'These rules are valid.' : preview.byField.size > 0 ? 'Fix the marked fields; the summary shows the last valid rules.' : ''}
          </p>
        </div>
      </aside>
    </section>
  );
}
