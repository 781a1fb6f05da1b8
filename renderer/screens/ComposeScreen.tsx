// Compose screen: scripts in any language kept as projects, checked against a twin's rules and licence, rendered as a talking video (or the voice alone) marked AI-generated with a verifiable receipt, and any video's provenance verified; renderer.
import { useState } from 'react';
import type { ComposeProject } from '../../main/contract/compose.js';
import { LikenessError } from '../../main/contract/errors.js';
import { useCall, useClient } from '../client.js';
import { EmptyState, ErrorBanner, useToast } from '../design/index.js';
import { useJobs } from '../jobs.js';
import { ScreenHeader } from './ScreenHeader.js';
import { OutputList } from './compose/OutputList.js';
import { ProjectList } from './compose/ProjectList.js';
import { type CheckView, type RenderChoice, RenderPanel, isActive } from './compose/RenderPanel.js';
import { ScriptEditor, segmentInputId } from './compose/ScriptEditor.js';
import { VerifyDropZone } from './compose/VerifyDropZone.js';
import { type DraftIssue, type ScriptDraft, draftFromScript, isDirty, placeIssues, scriptFromDraft, segmentOfIssue, withoutSegmentPrefix } from './compose/script-draft.js';
import { ConfirmDialog } from './twin/ConfirmDialog.js';
import { IdentityGate, useIdentity } from './twin/IdentityGate.js';
import { asError } from './twin/shared.js';

type StudioIssue = { path: string; message: string };

/** The studio's answer to a rules check, with the segment keys the saved script had, so refusals follow their segment. */
interface CheckResult {
  projectId: string;
  updatedAt: string;
  keys: number[];
  allowed: boolean;
  languages: string[];
  audioOnly: boolean;
  refusals: StudioIssue[];
}

/** A refusal the studio gave instead of an answer: rules broken (each named), or a segment it cannot speak. */
function refusalsOf(error: unknown): StudioIssue[] | undefined {
  if (error instanceof LikenessError && error.code === 'forbidden' && error.issues && error.issues.length > 0) return error.issues;
  if (error instanceof Error && segmentOfIssue('', error.message)) return [{ path: '', message: error.message }];
  return undefined;
}

export function ComposeScreen() {
  const client = useClient();
  const toast = useToast();
  const identity = useIdentity();
  const twins = useCall('twin.list', {});
  const loaded = useCall('compose.projects', {});
  // Creating, saving and deleting answer with the project itself: the list is kept here rather than fetched again.
  const [changed, setChanged] = useState<ComposeProject[]>();
  const projects = changed ?? loaded.data;
  const [openId, setOpenId] = useState<string>();
  const [fresh, setFresh] = useState<string>();
  const [edit, setEdit] = useState<{ projectId: string; draft: ScriptDraft }>();
  const [saving, setSaving] = useState(false);
  const [saveIssues, setSaveIssues] = useState<DraftIssue[]>([]);
  const [saveError, setSaveError] = useState<Error>();
  const [check, setCheck] = useState<CheckResult>();
  const [busy, setBusy] = useState<'check' | 'render'>();
  const [renderError, setRenderError] = useState<Error>();
  const [startedId, setStartedId] = useState<string>();
  const [pendingOpen, setPendingOpen] = useState<{ project: ComposeProject; fresh: boolean }>();

  const project = projects?.find((p) => p.id === openId) ?? projects?.[0];
  const draft = project ? (edit?.projectId === project.id ? edit.draft : draftFromScript(project.script)) : undefined;
  const checked = draft ? scriptFromDraft(draft) : undefined;
  const dirty = project !== undefined && draft !== undefined && isDirty(draft, project.script);

  const outputs = useCall('compose.outputs', project ? { project: project.id } : {});
  const ownOutputs = outputs.data?.filter((o) => o.project === project?.id);
  const jobs = useJobs(['compose.render'], (job) => {
    if (job.state === 'completed') {
      outputs.reload();
      toast('Render finished: the file is in Outputs', 'success');
    }
    if (job.state === 'failed') toast('The render failed', 'error');
  });
  const job = jobs.jobs.find((j) => j.id === startedId) ?? jobs.jobs.find(isActive);

  const updateList = (update: (list: ComposeProject[]) => ComposeProject[]) => setChanged((list) => update(list ?? loaded.data ?? []));

  const open = (next: ComposeProject, isFresh = false) => {
    setOpenId(next.id);
    setFresh(isFresh ? next.id : undefined);
    setEdit(undefined);
    setSaveIssues([]);
    setSaveError(undefined);
    setRenderError(undefined);
  };
  const requestOpen = (next: ComposeProject, isFresh = false) => {
    if (next.id === project?.id) return;
    if (dirty) setPendingOpen({ project: next, fresh: isFresh });
    else open(next, isFresh);
  };

  const changeDraft = (next: ScriptDraft) => {
    if (!project) return;
    setEdit({ projectId: project.id, draft: next });
    setSaveIssues([]);
    setSaveError(undefined);
  };

  /** Saves the draft when it changed; the project as saved, or undefined when it could not be (the editor says why). */
  const save = async (): Promise<ComposeProject | undefined> => {
    if (!project || !draft || !checked || checked.issues.length > 0) return undefined;
    if (!dirty) return project;
    const keys = draft.segments.map((s) => s.key);
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await client.call('compose.save', { id: project.id, script: checked.script });
      updateList((list) => [saved, ...list.filter((p) => p.id !== saved.id)]);
      setSaveIssues([]);
      return saved;
    } catch (e) {
      const issues = e instanceof LikenessError ? (e.issues ?? []) : [];
      setSaveIssues(placeIssues(issues, keys));
      setSaveError(issues.length > 0 ? new Error('The studio did not save the script: see the marked fields.') : asError(e));
      return undefined;
    } finally {
      setSaving(false);
    }
  };

  /** Saves first (the studio checks and renders the saved script), then asks the studio; refusals are kept as a check's answer. */
  const withSaved = async (kind: 'check' | 'render', ask: (saved: ComposeProject, keys: number[]) => Promise<void>) => {
    if (!draft) return;
    const keys = draft.segments.map((s) => s.key);
    setBusy(kind);
    setRenderError(undefined);
    try {
      const saved = await save();
      if (!saved) {
        setRenderError(new Error('The script could not be saved: fix the marked fields in the script, then try again.'));
        return;
      }
      try {
        await ask(saved, keys);
      } catch (e) {
        const refusals = refusalsOf(e);
        if (refusals) setCheck({ projectId: saved.id, updatedAt: saved.updatedAt, keys, allowed: false, languages: [], audioOnly: false, refusals });
        else setRenderError(asError(e));
      }
    } finally {
      setBusy(undefined);
    }
  };

  const runCheck = (choice: RenderChoice) =>
    void withSaved('check', async (saved, keys) => {
      const result = await client.call('compose.check', { ...choice, project: saved.id });
      setCheck({ projectId: saved.id, updatedAt: saved.updatedAt, keys, ...result });
    });

  const runRender = (choice: RenderChoice) =>
    void withSaved('render', async (saved) => {
      const started = await client.call('compose.render', { ...choice, project: saved.id });
      jobs.track(started);
      setStartedId(started.id);
    });

  const showSegment = (key: number) => document.getElementById(segmentInputId(key, 'text'))?.focus();

  const currentCheck = check && project && check.projectId === project.id ? check : undefined;
  const checkView: CheckView | undefined =
    currentCheck && draft
      ? {
          allowed: currentCheck.allowed,
          languages: currentCheck.languages,
          audioOnly: currentCheck.audioOnly,
          refusals: currentCheck.refusals.map((r) => {
            const found = segmentOfIssue(r.path, r.message);
            const key = found ? currentCheck.keys[found.index] : undefined;
            const at = key === undefined ? -1 : draft.segments.findIndex((s) => s.key === key);
            return key !== undefined && at >= 0 ? { path: r.path, message: withoutSegmentPrefix(r.message), segment: { key, number: at + 1 } } : { ...r, segment: undefined };
          }),
          stale: dirty || currentCheck.updatedAt !== project?.updatedAt,
        }
      : undefined;
  const refusalIssues = currentCheck ? placeIssues(currentCheck.refusals, currentCheck.keys).filter((i) => i.at === 'segment') : [];

  return (
    <>
      <ScreenHeader title="Compose">
        Write a script in any language and render a talking video of yourself, marked as AI-generated, with a usage receipt and provenance anyone can verify.
      </ScreenHeader>
      <IdentityGate identity={identity} />
      {jobs.error ? <ErrorBanner error={jobs.error} onDismiss={jobs.clearError} /> : null}
      <div className="row" style={{ alignItems: 'flex-start', gap: '0 1rem' }}>
        <ProjectList
          projects={projects}
          loadError={loaded.error}
          onRetry={loaded.reload}
          openId={project?.id}
          dirty={dirty}
          exportable={checked && checked.issues.length === 0 ? checked.script : undefined}
          onOpen={(p) => requestOpen(p)}
          onCreated={(p) => {
            updateList((list) => [p, ...list.filter((q) => q.id !== p.id)]);
            requestOpen(p, true);
          }}
          onRemoved={(p) => {
            updateList((list) => list.filter((q) => q.id !== p.id));
            if (p.id === project?.id) {
              setOpenId(undefined);
              setEdit(undefined);
            }
          }}
        />
        <div className="stack" style={{ flex: '3 1 30rem', minWidth: 0, gap: 0 }}>
          {project && draft && checked ? (
            <>
              <ScriptEditor
                key={project.id}
                draft={draft}
                onChange={changeDraft}
                issues={[...checked.issues, ...saveIssues, ...refusalIssues]}
                dirty={dirty}
                blocked={checked.issues.length > 0}
                saving={saving}
                onSave={() => void save()}
                onDiscard={() => {
                  setEdit(undefined);
                  setSaveIssues([]);
                  setSaveError(undefined);
                }}
                error={saveError}
                onDismissError={() => setSaveError(undefined)}
                focusTitle={fresh === project.id}
              />
              <RenderPanel
                identity={identity}
                twins={twins.data}
                twinsError={twins.error}
                onRetryTwins={twins.reload}
                check={checkView}
                busy={busy}
                error={renderError}
                onDismissError={() => setRenderError(undefined)}
                onCheck={runCheck}
                onRender={runRender}
                onShowSegment={showSegment}
                job={job}
                onCancel={jobs.cancel}
              />
              <OutputList outputs={outputs.loading && !ownOutputs?.length ? undefined : ownOutputs} error={outputs.error} onRetry={outputs.reload} />
            </>
          ) : projects && projects.length === 0 ? (
            <EmptyState title="No script yet">
              Start a new project or import a script file under Projects. A script is a title and segments, each in its own language with a pause after it;
              rendering it needs a sealed twin.
            </EmptyState>
          ) : null}
        </div>
      </div>
      <VerifyDropZone />
      <ConfirmDialog
        open={pendingOpen !== undefined}
        title="Discard unsaved changes?"
        confirmLabel="Discard changes"
        onConfirm={() => {
          if (pendingOpen) open(pendingOpen.project, pendingOpen.fresh);
          setPendingOpen(undefined);
        }}
        onCancel={() => setPendingOpen(undefined)}
      >
        <p>
          “{project?.script.title}” has changes you have not saved. Opening “{pendingOpen?.project.script.title}” discards them; cancel to keep editing and save
          first.
        </p>
      </ConfirmDialog>
    </>
  );
}
