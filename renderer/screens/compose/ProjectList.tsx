// The Compose screen's projects: open one, start a new one, import a script file (checked by the studio, each error named), export the open script and delete with a confirmation; renderer.
import { useState } from 'react';
import type { CallInput } from '../../../main/contract/calls.js';
import type { ComposeProject, ComposeScript } from '../../../main/contract/compose.js';
import { LikenessError } from '../../../main/contract/errors.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { downloadJson } from '../licenses/files.js';
import { ConfirmDialog } from '../twin/ConfirmDialog.js';
import { asError, formatWhen } from '../twin/shared.js';
import { exportFileName, issueLabel, newScript } from './script-draft.js';

/** An import refused by the studio, its errors worded for a file rather than for the call that sent it. */
function importError(fileName: string, error: unknown): Error {
  if (error instanceof LikenessError && error.issues && error.issues.length > 0) {
    return new LikenessError(
      error.code,
      `${fileName} is not a script the studio can use:`,
      error.issues.map((issue) => ({ path: issueLabel(issue.path), message: issue.message })),
    );
  }
  return new Error(`${fileName} could not be imported: ${asError(error).message}`);
}

export interface ProjectListProps {
  projects: ComposeProject[] | undefined;
  loadError: Error | undefined;
  onRetry: () => void;
  openId: string | undefined;
  /** The open project has changes not saved yet. */
  dirty: boolean;
  /** The open script as the editor holds it, for the export; undefined while it has errors. */
  exportable: ComposeScript | undefined;
  onOpen: (project: ComposeProject) => void;
  onCreated: (project: ComposeProject) => void;
  onRemoved: (project: ComposeProject) => void;
}

export function ProjectList({ projects, loadError, onRetry, openId, dirty, exportable, onOpen, onCreated, onRemoved }: ProjectListProps) {
  const client = useClient();
  const toast = useToast();
  const [busy, setBusy] = useState<'create' | 'import' | 'remove'>();
  const [error, setError] = useState<Error>();
  const [removing, setRemoving] = useState<ComposeProject>();

  const create = () => {
    setBusy('create');
    setError(undefined);
    client
      .call('compose.create', { script: newScript() })
      .then(onCreated, (e: unknown) => setError(asError(e)))
      .finally(() => setBusy(undefined));
  };

  const importFile = async (file: File) => {
    setBusy('import');
    setError(undefined);
    try {
      let json: unknown;
      try {
        json = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`it is not JSON (${asError(e).message})`, { cause: e });
      }
      // Sent as read: the studio checks every field and names what is wrong, which the error then shows.
      const project = await client.call('compose.create', { script: json as CallInput<'compose.create'>['script'] });
      onCreated(project);
      toast(`Imported “${project.script.title}”`, 'success');
    } catch (e) {
      setError(importError(file.name, e));
    } finally {
      setBusy(undefined);
    }
  };

  const remove = () => {
    if (!removing) return;
    setBusy('remove');
    client
      .call('compose.remove', { id: removing.id })
      .then(
        () => {
          onRemoved(removing);
          toast(`Deleted “${removing.script.title}”`, 'success');
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => {
        setBusy(undefined);
        setRemoving(undefined);
      });
  };

  return (
    <section className="panel stack" aria-labelledby="compose-projects" style={{ flex: '1 1 14rem', minWidth: 0 }}>
      <h2 id="compose-projects">Projects</h2>
      <div className="row">
        <Button variant="primary" onClick={create} busy={busy === 'create'}>
          New project
        </Button>
        <label className="btn btn-secondary" aria-busy={busy === 'import' || undefined}>
          {busy === 'import' ? <span className="spinner" aria-hidden="true" /> : null}
          Import a script file…
          <input
            type="file"
            accept=".json,application/json"
            className="visually-hidden"
            disabled={busy === 'import'}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </label>
        <Button
          onClick={() => exportable && downloadJson(exportFileName(exportable.title), exportable)}
          disabled={!exportable}
          aria-describedby="compose-export-help"
        >
          Export script
        </Button>
      </div>
      <p id="compose-export-help" className="lede" style={{ margin: 0, fontSize: '0.85rem' }}>
        {openId === undefined
          ? 'Open a project to export its script.'
          : exportable
            ? 'Exports the open script as you see it, as a JSON file another studio can import.'
            : 'Fix the marked fields in the script to export it.'}
      </p>
      {loadError ? <ErrorBanner error={loadError} onRetry={onRetry} /> : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {projects === undefined ? (
        loadError ? null : (
          <p className="lede" role="status">
            Loading your projects…
          </p>
        )
      ) : projects.length === 0 ? (
        <p className="lede" style={{ margin: 0 }}>
          No projects yet. Start a new one, or import a script file.
        </p>
      ) : (
        <ul aria-label="Your projects" className="stack" style={{ listStyle: 'none', padding: 0, margin: 0, gap: '0.35rem' }}>
          {projects.map((project) => {
            const open = project.id === openId;
            const segments = project.script.segments.length;
            return (
              <li key={project.id} className="row" style={{ flexWrap: 'nowrap', alignItems: 'flex-start', gap: '0.25rem' }} data-project-id={project.id}>
                <div
                  className="stack"
                  style={{
                    flex: 1,
                    minWidth: 0,
                    gap: 0,
                    padding: '0.3rem 0.5rem',
                    borderRadius: 8,
                    border: `1px solid ${open ? 'var(--accent)' : 'transparent'}`,
                    background: open ? 'var(--surface-2)' : undefined,
                  }}
                >
                  {/* Named by the title alone, so it reads (and is found) as the project; the details describe it. */}
                  <button
                    type="button"
                    className="btn btn-ghost"
                    aria-current={open ? 'true' : undefined}
                    aria-describedby={`${project.id}-meta`}
                    onClick={() => onOpen(project)}
                    style={{ padding: 0, fontWeight: 600, textAlign: 'left', overflowWrap: 'anywhere' }}
                  >
                    {project.script.title}
                  </button>
                  <span id={`${project.id}-meta`} className="lede" style={{ fontSize: '0.8rem' }}>
                    {segments} segment{segments === 1 ? '' : 's'}, edited {formatWhen(project.updatedAt)}
                    {open && dirty ? ', unsaved changes' : ''}
                  </span>
                </div>
                <Button variant="ghost" onClick={() => setRemoving(project)} aria-label={`Delete ${project.script.title}`}>
                  Delete
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title="Delete this project?"
        confirmLabel="Delete project"
        busy={busy === 'remove'}
        onConfirm={remove}
        onCancel={() => setRemoving(undefined)}
      >
        <p>
          “{removing?.script.title}” and its script are deleted from this studio. Export the script first if you may want it again.
        </p>
        <p>The videos already rendered from it stay in the studio's outputs folder, with their usage receipts.</p>
      </ConfirmDialog>
    </section>
  );
}
