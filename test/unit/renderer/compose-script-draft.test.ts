// The Compose screen's script editor logic, which needs no browser: drafts to scripts and back, editing segments, and the studio's errors placed at their segment.
import { describe, expect, it } from 'vitest';
import { COMPOSE_SCRIPT_SCHEMA, type ComposeScript } from '../../../main/contract/compose.js';
import {
  addSegment,
  draftFromScript,
  exportFileName,
  isDirty,
  issueLabel,
  moveSegment,
  newScript,
  placeIssues,
  removeSegment,
  scriptFromDraft,
  segmentOfIssue,
  withoutSegmentPrefix,
  updateSegment,
  writingHint,
} from '../../../renderer/screens/compose/script-draft.js';

const script: ComposeScript = {
  schema: COMPOSE_SCRIPT_SCHEMA,
  title: 'Hello',
  segments: [
    { language: 'en', text: 'Hello there.', pauseSeconds: 0.5 },
    { language: 'gl', text: 'Ola.', pauseSeconds: 0 },
    { language: 'ja', text: 'こんにちは', pauseSeconds: 1 },
  ],
};

describe('compose script drafts', () => {
  it('turns a script into a draft and back unchanged, languages outside the list typed as tags', () => {
    const draft = draftFromScript(script);
    expect(draft.segments.map((s) => [s.key, s.language, s.custom, s.pause])).toEqual([
      [0, 'en', false, '0.5'],
      [1, 'gl', true, '0'],
      [2, 'ja', false, '1'],
    ]);
    expect(scriptFromDraft(draft)).toEqual({ script, issues: [] });
    expect(isDirty(draft, script)).toBe(false);
  });

  it('trims the title and tags, reads an empty pause as none, and is dirty only when the script says something else', () => {
    const draft = draftFromScript(script);
    const padded = updateSegment({ ...draft, title: '  Hello ' }, 0, { language: ' en ', pause: '0.50' });
    expect(isDirty(padded, script)).toBe(false);
    const cleared = updateSegment(draft, 1, { pause: '' });
    expect(scriptFromDraft(cleared).script.segments[1]!.pauseSeconds).toBe(0);
    expect(isDirty(updateSegment(draft, 2, { text: 'さようなら' }), script)).toBe(true);
  });

  it('finds what the editor can tell without the studio, each at its segment key', () => {
    const draft = draftFromScript(script);
    const broken = updateSegment(updateSegment(updateSegment({ ...draft, title: '   ' }, 0, { language: 'English' }), 1, { text: 'x'.repeat(5001) }), 2, { pause: '11' });
    const { issues } = scriptFromDraft(broken);
    expect(issues.map((i) => (i.at === 'segment' ? `${i.key}.${i.field}` : i.at))).toEqual(['title', '0.language', '1.text', '2.pause']);
    expect(issues[2]!.message).toMatch(/5001 now/);
    expect(isDirty(broken, script)).toBe(true);
    expect(scriptFromDraft(updateSegment(draft, 0, { pause: 'abc' })).issues).toHaveLength(1);
  });

  it('adds, moves and removes segments with keys that stay with them', () => {
    const draft = draftFromScript(script);
    const added = addSegment(draft);
    expect(added.key).toBe(3);
    expect(added.draft.segments.at(-1)).toEqual({ key: 3, language: 'ja', custom: false, text: '', pause: '0' });
    const moved = moveSegment(added.draft, 3, -1);
    expect(moved.segments.map((s) => s.key)).toEqual([0, 1, 3, 2]);
    expect(moveSegment(moved, 0, -1)).toBe(moved);
    expect(moveSegment(moved, 2, 1)).toBe(moved);
    const removed = removeSegment(moved, 1);
    expect(removed.segments.map((s) => s.key)).toEqual([0, 3, 2]);
    expect(addSegment(removed).key).toBe(4);
    expect(addSegment({ title: 'x', segments: [] }).draft.segments[0]!.language).toBe('en');
  });

  it('starts a new project with one empty English segment the studio accepts', () => {
    expect(newScript()).toEqual({ schema: COMPOSE_SCRIPT_SCHEMA, title: 'Untitled script', segments: [{ language: 'en', text: '', pauseSeconds: 0 }] });
  });

  it('reads which segment an error names: the contract from 0 under script., the studio from 1, or its message', () => {
    expect(segmentOfIssue('script.segments.2.text')).toEqual({ index: 2, field: 'text' });
    expect(segmentOfIssue('script.segments.0.pauseSeconds')).toEqual({ index: 0, field: 'pause' });
    expect(segmentOfIssue('script.segments.4')).toEqual({ index: 4, field: null });
    expect(segmentOfIssue('segments.2')).toEqual({ index: 1, field: null });
    expect(segmentOfIssue('segments.0')).toBeUndefined();
    expect(segmentOfIssue('purpose', "the twin's rules: not for advertising")).toBeUndefined();
    expect(segmentOfIssue('', 'Segment 3: eSpeak NG has no voice for "xx"')).toEqual({ index: 2, field: null });
    expect(segmentOfIssue('term', 'segment 2 (en): contains the blocked term "foo"')).toEqual({ index: 1, field: null });
    expect(withoutSegmentPrefix('segment 2 (en): contains the blocked term "foo"')).toBe('contains the blocked term "foo"');
    expect(withoutSegmentPrefix("the licence expired")).toBe('the licence expired');
  });

  it('places the studio errors at the keys the segments had, dropping the segment number the editor shows anyway', () => {
    const keys = [7, 3, 9];
    const placed = placeIssues(
      [
        { path: 'segments.2', message: "segment 2: the twin's rules: language gl is not allowed" },
        { path: 'term', message: 'segment 3 (ja): contains the blocked term "x"' },
        { path: 'script.title', message: 'Too small' },
        { path: 'purpose', message: "the twin's rules: not for advertising" },
        { path: 'segments.9', message: 'segment 9: gone' },
      ],
      keys,
    );
    expect(placed).toEqual([
      { at: 'segment', key: 3, field: null, message: "the twin's rules: language gl is not allowed" },
      { at: 'segment', key: 9, field: null, message: 'contains the blocked term "x"' },
      { at: 'title', message: 'Too small' },
      { at: 'script', message: "the twin's rules: not for advertising" },
      { at: 'script', message: 'segment 9: gone' },
    ]);
  });

  it('words error paths for a list and names the export file after the title', () => {
    expect(issueLabel('script.segments.1.text')).toBe('Segment 2, text');
    expect(issueLabel('script.title')).toBe('Title');
    expect(issueLabel('script')).toBe('The file');
    expect(issueLabel('script.schema')).toBe('schema');
    expect(exportFileName('Café: Episode 1!')).toBe('cafe-episode-1.script.json');
    expect(exportFileName('こんにちは')).toBe('script.script.json');
  });

  it('tells how Japanese and Arabic must be written', () => {
    expect(writingHint('ja')).toMatch(/kana/);
    expect(writingHint('ar')).toMatch(/vocalised/);
    expect(writingHint('en')).toBeUndefined();
  });
});
