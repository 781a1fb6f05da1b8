// The script editor: title and segments (language, text with its character count, pause), added, removed and moved, each error and refusal at its segment, with an explicit Save and the unsaved state shown; renderer.
import { type CSSProperties, type KeyboardEvent, useEffect, useRef } from 'react';
import { MAX_PAUSE_SECONDS, MAX_SEGMENTS, MAX_SEGMENT_CHARS } from '../../../main/contract/compose.js';
import { VOICE_LANGUAGES } from '../../../main/contract/voice-languages.js';
import { Button, ErrorBanner } from '../../design/index.js';
import {
  type DraftIssue,
  type ScriptDraft,
  type SegmentDraft,
  type SegmentField,
  addSegment,
  moveSegment,
  removeSegment,
  updateSegment,
  writingHint,
} from './script-draft.js';

const OTHER_LANGUAGE = 'other';
/** The design system styles selects, numbers and textareas but not text inputs: these match them. */
const TEXT_INPUT: CSSProperties = { font: 'inherit', padding: '0.35rem 0.5rem', borderRadius: 8, border: '1px solid var(--border)', background: 'var(--surface)', color: 'var(--text)' };
const count = new Intl.NumberFormat();
const FIELD_NAMES: Record<SegmentField, string> = { language: 'Language', text: 'Text', pause: 'Pause' };

/** The id of a segment's input, so a refusal elsewhere on the screen can take the creator to it. */
export const segmentInputId = (key: number, field: SegmentField) => `compose-seg-${key}-${field}`;

function Messages({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} style={{ color: 'var(--danger)', margin: 0, paddingLeft: '1.2rem', fontSize: '0.85rem' }}>
      {messages.map((m, i) => (
        <li key={`${i}:${m}`}>{m}</li>
      ))}
    </ul>
  );
}

interface SegmentProps {
  segment: SegmentDraft;
  number: number;
  total: number;
  issues: Extract<DraftIssue, { at: 'segment' }>[];
  onChange: (patch: Partial<Omit<SegmentDraft, 'key'>>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

function Segment({ segment, number, total, issues, onChange, onMove, onRemove }: SegmentProps) {
  const { key } = segment;
  const errorsId = `compose-seg-${key}-errors`;
  const countId = `compose-seg-${key}-count`;
  const hintId = `compose-seg-${key}-hint`;
  const fieldHas = (field: SegmentField) => issues.some((i) => i.field === field);
  const invalid = (field: SegmentField) => (fieldHas(field) ? true : undefined);
  const describedBy = (field: SegmentField, ...extra: (string | undefined)[]) => [fieldHas(field) ? errorsId : undefined, ...extra].filter(Boolean).join(' ') || undefined;
  const over = segment.text.length > MAX_SEGMENT_CHARS;
  const hint = segment.custom ? undefined : writingHint(segment.language);

  return (
    <li data-segment={number}>
      <fieldset
        className="stack"
        style={{
          gap: '0.5rem',
          margin: 0,
          padding: '0.75rem 1rem',
          border: `1px solid ${issues.length > 0 ? 'var(--danger)' : 'var(--border)'}`,
          borderLeftWidth: issues.length > 0 ? 4 : 1,
          borderRadius: 'var(--radius)',
        }}
        aria-describedby={issues.length > 0 ? errorsId : undefined}
      >
        <legend style={{ padding: '0 0.25rem' }}>Segment {number}</legend>
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <div className="field">
            <label htmlFor={segmentInputId(key, 'language')}>Language</label>
            <select
              id={segmentInputId(key, 'language')}
              value={segment.custom ? OTHER_LANGUAGE : segment.language}
              onChange={(e) => (e.target.value === OTHER_LANGUAGE ? onChange({ custom: true }) : onChange({ custom: false, language: e.target.value }))}
              aria-invalid={segment.custom ? undefined : invalid('language')}
              aria-describedby={segment.custom ? undefined : describedBy('language')}
            >
              {VOICE_LANGUAGES.map((l) => (
                <option key={l.tag} value={l.tag}>
                  {l.name} ({l.tag})
                </option>
              ))}
              <option value={OTHER_LANGUAGE}>Another language (type its tag)…</option>
            </select>
          </div>
          {segment.custom ? (
            <label className="field" htmlFor={`compose-seg-${key}-tag`}>
              Language tag (BCP-47)
              <input
                id={`compose-seg-${key}-tag`}
                value={segment.language}
                onChange={(e) => onChange({ language: e.target.value })}
                placeholder="pt-BR"
                size={10}
                style={TEXT_INPUT}
                spellCheck={false}
                autoCapitalize="none"
                aria-invalid={invalid('language')}
                aria-describedby={describedBy('language')}
              />
            </label>
          ) : null}
          <label className="field" htmlFor={segmentInputId(key, 'pause')}>
            Pause after (seconds)
            <input
              id={segmentInputId(key, 'pause')}
              type="number"
              min={0}
              max={MAX_PAUSE_SECONDS}
              step={0.1}
              value={segment.pause}
              onChange={(e) => onChange({ pause: e.target.value })}
              style={{ width: '7rem' }}
              aria-invalid={invalid('pause')}
              aria-describedby={describedBy('pause')}
            />
          </label>
          <div className="row" style={{ marginLeft: 'auto', gap: '0.25rem' }}>
            <Button variant="ghost" id={`compose-seg-${key}-up`} onClick={() => onMove(-1)} disabled={number === 1}>
              Move up
            </Button>
            <Button variant="ghost" id={`compose-seg-${key}-down`} onClick={() => onMove(1)} disabled={number === total}>
              Move down
            </Button>
            <Button variant="ghost" onClick={onRemove}>
              Remove segment
            </Button>
          </div>
        </div>
        <div className="field" style={{ display: 'flex' }}>
          <label htmlFor={segmentInputId(key, 'text')}>Text</label>
          <textarea
            id={segmentInputId(key, 'text')}
            rows={4}
            value={segment.text}
            onChange={(e) => onChange({ text: e.target.value })}
            lang={segment.language.trim() || undefined}
            aria-invalid={invalid('text')}
            aria-describedby={describedBy('text', countId, hint ? hintId : undefined)}
          />
        </div>
        <div className="row" style={{ justifyContent: 'space-between', fontSize: '0.8rem' }}>
          <span id={hintId} className="lede">
            {hint ?? (segment.text.trim() === '' ? 'An empty segment is skipped, with its pause.' : '')}
          </span>
          <span id={countId} style={{ color: over ? 'var(--danger)' : 'var(--muted)', fontVariantNumeric: 'tabular-nums' }}>
            {count.format(segment.text.length)} / {count.format(MAX_SEGMENT_CHARS)} characters
          </span>
        </div>
        <Messages id={errorsId} messages={issues.map((i) => (i.field ? `${FIELD_NAMES[i.field]}: ${i.message}` : i.message))} />
      </fieldset>
    </li>
  );
}

export interface ScriptEditorProps {
  draft: ScriptDraft;
  onChange: (draft: ScriptDraft) => void;
  /** The editor's own checks, the studio's answer to the last save and the last rules check, placed. */
  issues: DraftIssue[];
  dirty: boolean;
  /** The draft has errors the editor found: saving would be refused. */
  blocked: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
  /** What the studio said that belongs to no field. */
  error: Error | undefined;
  onDismissError: () => void;
  /** Focus the title (and select it) when the editor opens: a new project's title is a placeholder. */
  focusTitle: boolean;
}

export function ScriptEditor({ draft, onChange, issues, dirty, blocked, saving, onSave, onDiscard, error, onDismissError, focusTitle }: ScriptEditorProps) {
  const titleRef = useRef<HTMLInputElement>(null);
  /** The element to focus once the next render is on screen: adding, moving or removing a segment moves the focus with it. */
  const focusNext = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!focusTitle) return;
    titleRef.current?.focus();
    titleRef.current?.select();
  }, [focusTitle]);
  useEffect(() => {
    if (focusNext.current === undefined) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = undefined;
  });

  const titleIssues = issues.filter((i) => i.at === 'title').map((i) => i.message);
  const scriptIssues = issues.filter((i) => i.at === 'script').map((i) => i.message);
  const segmentIssues = (key: number) => issues.filter((i): i is Extract<DraftIssue, { at: 'segment' }> => i.at === 'segment' && i.key === key);

  const add = () => {
    const next = addSegment(draft);
    focusNext.current = segmentInputId(next.key, 'text');
    onChange(next.draft);
  };
  const move = (key: number, by: -1 | 1) => {
    const at = draft.segments.findIndex((s) => s.key === key) + by;
    // At the top or bottom the button pressed becomes disabled: keep the focus on the other one.
    const edge = at === 0 ? 'down' : at === draft.segments.length - 1 ? 'up' : by === -1 ? 'up' : 'down';
    focusNext.current = `compose-seg-${key}-${edge}`;
    onChange(moveSegment(draft, key, by));
  };
  const remove = (key: number) => {
    const at = draft.segments.findIndex((s) => s.key === key);
    const neighbour = draft.segments[at + 1] ?? draft.segments[at - 1];
    focusNext.current = neighbour ? segmentInputId(neighbour.key, 'text') : 'compose-add-segment';
    onChange(removeSegment(draft, key));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (dirty && !blocked && !saving) onSave();
    }
  };

  return (
    <section className="panel stack" aria-labelledby="compose-script" onKeyDown={onKeyDown}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="compose-script" style={{ margin: 0 }}>
          Script
        </h2>
        <span role="status" className={`chip ${dirty ? 'chip-warn' : 'chip-pass'}`}>
          {dirty ? 'Unsaved changes' : 'All changes saved'}
        </span>
      </div>
      {error ? <ErrorBanner error={error} onDismiss={onDismissError} /> : null}
      <label className="field" htmlFor="compose-title" style={{ display: 'flex' }}>
        Title
        <input
          id="compose-title"
          ref={titleRef}
          value={draft.title}
          onChange={(e) => onChange({ ...draft, title: e.target.value })}
          aria-invalid={titleIssues.length > 0 || undefined}
          aria-describedby={titleIssues.length > 0 ? 'compose-title-errors' : undefined}
          style={{ ...TEXT_INPUT, fontSize: '1.05rem' }}
        />
      </label>
      <Messages id="compose-title-errors" messages={titleIssues} />
      <Messages id="compose-script-errors" messages={scriptIssues} />
      {draft.segments.length === 0 ? (
        <p className="lede" style={{ margin: 0 }}>
          No segments: add one to write what your twin says.
        </p>
      ) : (
        <ol aria-label="Segments" className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {draft.segments.map((segment, i) => (
            <Segment
              key={segment.key}
              segment={segment}
              number={i + 1}
              total={draft.segments.length}
              issues={segmentIssues(segment.key)}
              onChange={(patch) => onChange(updateSegment(draft, segment.key, patch))}
              onMove={(by) => move(segment.key, by)}
              onRemove={() => remove(segment.key)}
            />
          ))}
        </ol>
      )}
      <div className="row">
        <Button id="compose-add-segment" onClick={add} disabled={draft.segments.length >= MAX_SEGMENTS}>
          Add segment
        </Button>
        <span style={{ flex: 1 }} />
        {dirty ? (
          <Button variant="ghost" onClick={onDiscard} disabled={saving}>
            Discard changes
          </Button>
        ) : null}
        <Button variant="primary" onClick={onSave} busy={saving} disabled={!dirty || blocked} aria-describedby="compose-save-help" aria-keyshortcuts="Control+S">
          Save
        </Button>
      </div>
      <p id="compose-save-help" className="lede" style={{ margin: 0, fontSize: '0.85rem', alignSelf: 'flex-end' }}>
        {blocked ? 'Fix the marked fields to save.' : dirty ? 'Ctrl+S saves too. Checking and rendering save first.' : 'Checking and rendering use the saved script.'}
      </p>
    </section>
  );
}
