// Import tab: drop recordings of any format; each is streamed to the studio, audio split into voice takes at pauses, a video kept as a face take; renderer.
import { useState } from 'react';
import type { Take } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, ProgressBar, useToast } from '../../design/index.js';
import { ChunkedUpload, SLICE_BYTES } from '../../media/upload.js';
import { TakeList } from './TakeList.js';

interface FileState {
  name: string;
  sent: number;
  size: number;
  state: 'sending' | 'analysing' | 'done' | 'failed';
  takes: Take[];
  notes: string[];
  error?: string;
}

export function ImportTab() {
  const client = useClient();
  const toast = useToast();
  const [language, setLanguage] = useState('en');
  const [videosAs, setVideosAs] = useState<'face' | 'voice'>('face');
  const [over, setOver] = useState(false);
  const [files, setFiles] = useState<FileState[]>([]);
  const [error, setError] = useState<Error>();
  const update = (name: string, patch: Partial<FileState>) => setFiles((list) => list.map((f) => (f.name === name ? { ...f, ...patch } : f)));

  const importFile = async (file: File) => {
    setFiles((list) => [...list.filter((f) => f.name !== file.name), { name: file.name, sent: 0, size: file.size, state: 'sending', takes: [], notes: [] }]);
    try {
      const upload = await ChunkedUpload.start(client, { kind: videosAs, language, promptId: null, purpose: 'import', fileName: file.name.slice(-200) });
      for (let offset = 0; offset < file.size; offset += SLICE_BYTES) {
        await upload.push(new Uint8Array(await file.slice(offset, offset + SLICE_BYTES).arrayBuffer()));
        update(file.name, { sent: Math.min(file.size, offset + SLICE_BYTES) });
      }
      update(file.name, { state: 'analysing' });
      const result = await upload.finish();
      update(file.name, { state: 'done', takes: result.takes, notes: result.notes });
      toast(`${file.name}: ${result.takes.length} take${result.takes.length === 1 ? '' : 's'}`, 'success');
    } catch (e) {
      update(file.name, { state: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  };
  const importAll = (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) void importFile(file);
  };

  return (
    <div className="stack">
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      <div className="row">
        <label className="field">
          Language spoken
          <input value={language} onChange={(e) => setLanguage(e.target.value.trim())} size={8} aria-describedby="lang-help" />
        </label>
        <span id="lang-help" className="lede">
          A language tag such as en, es, fr, de, hi, zh or ja.
        </span>
        <label className="field">
          Videos become
          <select value={videosAs} onChange={(e) => setVideosAs(e.target.value === 'voice' ? 'voice' : 'face')}>
            <option value="face">face takes (video kept)</option>
            <option value="voice">voice takes (audio only)</option>
          </select>
        </label>
      </div>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          importAll(e.dataTransfer.files);
        }}
      >
        <p>Drop recordings here: any audio or video file. Audio is split into voice takes at pauses; a video becomes one face take, its video analysed and kept.</p>
        <label className="btn btn-secondary">
          Choose files…
          <input type="file" multiple accept="audio/*,video/*" className="visually-hidden" onChange={(e) => importAll(e.target.files)} />
        </label>
      </div>
      {files.map((f) => (
        <section key={f.name} className="panel stack" aria-label={`Import of ${f.name}`} data-state={f.state}>
          <h3>{f.name}</h3>
          {f.state === 'sending' ? <ProgressBar fraction={f.size > 0 ? f.sent / f.size : 1} label={`Sending ${f.name}`} showEta={false} /> : null}
          {f.state === 'analysing' ? <p className="lede">Finding the takes and measuring them…</p> : null}
          {f.state === 'failed' ? <ErrorBanner error={new Error(f.error ?? 'failed')} /> : null}
          {f.state === 'done' ? (
            <>
              <TakeList takes={f.takes} onDelete={(take) => void client.call('capture.delete', { id: take.id }).then(() => update(f.name, { takes: f.takes.filter((t) => t.id !== take.id) }), setError)} />
              {f.notes.map((n) => (
                <p key={n} className="lede">
                  {n}
                </p>
              ))}
            </>
          ) : null}
        </section>
      ))}
      {files.length > 0 ? (
        <Button variant="ghost" onClick={() => setFiles((list) => list.filter((f) => f.state === 'sending' || f.state === 'analysing'))}>
          Clear finished
        </Button>
      ) : null}
    </div>
  );
}
