// Settings screen: appearance, identity, chain networks, data home and library maintenance jobs, system check, about; renderer.
import { useState } from 'react';
import type { Settings, Theme } from '../../main/contract/models.js';
import { useCall, useClient, useEvent } from '../client.js';
import { Button, ErrorBanner, JobCard, formatBytes, useToast } from '../design/index.js';
import { useJobs } from '../jobs.js';
import { ScreenHeader } from './ScreenHeader.js';
import { IdentitySection } from './settings/IdentitySection.js';
import { NetworksSection } from './settings/NetworksSection.js';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Match system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function Appearance() {
  const client = useClient();
  const toast = useToast();
  const settings = useCall('settings.get', {});
  const [local, setLocal] = useState<Settings>();
  const [error, setError] = useState<Error>();
  useEvent('settings.changed', setLocal);
  const current = local ?? settings.data;
  const update = (patch: Partial<Settings>) => {
    if (current) setLocal({ ...current, ...patch });
    return client.call('settings.update', patch).then(
      (saved) => (setLocal(saved), toast('Saved', 'success')),
      (e: unknown) => (setLocal(undefined), setError(e instanceof Error ? e : new Error(String(e)))),
    );
  };
  return (
    <section className="panel" aria-labelledby="appearance">
      <h2 id="appearance">Appearance</h2>
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <fieldset>
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label className="choice" key={t.value}>
            <input type="radio" name="theme" value={t.value} checked={current?.theme === t.value} onChange={() => void update({ theme: t.value })} />
            {t.label}
          </label>
        ))}
      </fieldset>
      <label className="choice">
        <input type="checkbox" checked={current?.reducedMotion ?? false} onChange={(e) => void update({ reducedMotion: e.target.checked })} />
        Reduce motion
      </label>
    </section>
  );
}

function Library() {
  const client = useClient();
  const toast = useToast();
  const stats = useCall('store.stats', {});
  const jobs = useJobs(['store.verify', 'store.gc'], (job) => {
    if (job.state !== 'completed') return;
    stats.reload();
    toast(`${job.title} finished`, 'success');
  });
  const start = (kind: 'store.verify' | 'store.gc') => client.call('jobs.start', { kind }).then(jobs.track, (e: unknown) => toast(String(e instanceof Error ? e.message : e), 'error'));
  return (
    <section className="panel stack" aria-labelledby="library">
      <h2 id="library">Library</h2>
      {jobs.error ? <ErrorBanner error={jobs.error} onDismiss={jobs.clearError} /> : null}
      {stats.error ? <ErrorBanner error={stats.error} onRetry={stats.reload} /> : null}
      {stats.data ? (
        <dl className="facts">
          <dt>Stored files</dt>
          <dd>
            {stats.data.blobCount} ({formatBytes(stats.data.blobBytes)})
          </dd>
          <dt>Unused files</dt>
          <dd>{stats.data.unreferencedBlobs}</dd>
          <dt>Database</dt>
          <dd>
            {formatBytes(stats.data.databaseBytes)}, schema {stats.data.schemaVersion}
          </dd>
        </dl>
      ) : null}
      <div className="row">
        <Button onClick={() => void start('store.verify')}>Verify library</Button>
        <Button onClick={() => void start('store.gc')}>Free unused space</Button>
      </div>
      <div className="stack" aria-label="Recent jobs">
        {jobs.jobs.map((job) => (
          <JobCard key={job.id} job={job} onCancel={jobs.cancel} onResume={jobs.resume} />
        ))}
      </div>
    </section>
  );
}

function SystemCheck() {
  const doctor = useCall('doctor.run', {});
  return (
    <section className="panel stack" aria-labelledby="system-check">
      <div className="row">
        <h2 id="system-check">System check</h2>
        <Button variant="ghost" onClick={doctor.reload} busy={doctor.loading}>
          Check again
        </Button>
      </div>
      {doctor.error ? <ErrorBanner error={doctor.error} onRetry={doctor.reload} /> : null}
      <ul className="checks">
        {(doctor.data?.checks ?? []).map((check) => (
          <li className="check" key={check.id}>
            <span className={`check-${check.status}`}>{check.status === 'ok' ? 'Ready' : check.status === 'warning' ? 'Note' : 'Missing'}</span>
            <strong>{check.label}</strong>
            <span>{check.detail}</span>
            {check.fix && check.status !== 'ok' ? <span className="check-fix">{check.fix}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function About() {
  const info = useCall('app.info', {});
  if (!info.data) return null;
  return (
    <section className="panel" aria-labelledby="about">
      <h2 id="about">About</h2>
      <dl className="facts">
        <dt>Version</dt>
        <dd>
          {info.data.name} {info.data.version}
        </dd>
        <dt>Data home</dt>
        <dd>{info.data.home}</dd>
        <dt>Running as</dt>
        <dd>{info.data.transport === 'electron' ? `desktop app (Electron ${info.data.electron})` : 'browser, through likeness serve'}</dd>
        <dt>Platform</dt>
        <dd>
          {info.data.platform} {info.data.arch}, Node {info.data.node}
        </dd>
      </dl>
    </section>
  );
}

export function SettingsScreen() {
  return (
    <>
      <ScreenHeader title="Settings">How the studio looks, where your data lives, and whether this computer has what the studio needs.</ScreenHeader>
      <Appearance />
      <IdentitySection />
      <NetworksSection />
      <Library />
      <SystemCheck />
      <About />
    </>
  );
}
