// The Voice panel of the Train screen: train the voice model, its held-out report beside two baselines, an A/B/C player, and text spoken in the creator's voice; renderer.
import { useState } from 'react';
import type { Job, VoiceModel } from '../../../main/contract/models.js';
import { VOICE_LANGUAGES } from '../../../main/contract/voice-languages.js';
import { useCall, useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { useJobs } from '../../jobs.js';
import { useStudioMedia } from '../../media/studio-media.js';
import { TrainingJob } from './TrainingJob.js';

function Player({ label, digest }: { label: string; digest: string }) {
  const { url, error } = useStudioMedia('audio', digest);
  return (
    <figure className="player">
      <figcaption>{label}</figcaption>
      {error ? <span className="lede">{error.message}</span> : <audio controls preload="auto" src={url} aria-label={label} />}
    </figure>
  );
}

const db = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : '–');

function Report({ model }: { model: VoiceModel }) {
  const r = model.report;
  const measured = new Map(r.languages.map((l) => [l.tag, l]));
  return (
    <section className="panel stack" aria-labelledby="voice-report">
      <h3 id="voice-report">
        Voice model {model.version}: quality on {r.heldOutTakes} held-out take{r.heldOutTakes === 1 ? '' : 's'}
      </h3>
      <p className="lede">
        Trained on {r.trainTakes} takes ({Math.round(r.trainSpeechSeconds)} s of speech) in {Math.round(r.trainingSeconds)} s. The held-out takes were never
        trained on. Mel-cepstral distortion measures how far the voice is from your real takes: lower is closer.
      </p>
      <table className="report" aria-label="Voice quality">
        <thead>
          <tr>
            <th scope="col">Voice</th>
            <th scope="col">Distortion to your real takes</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">eSpeak NG, unconverted</th>
            <td>{db(r.mcdSourceDb)}</td>
          </tr>
          <tr>
            <th scope="row">One affine map of the spectrum (baseline)</th>
            <td>{db(r.mcdAffineDb)}</td>
          </tr>
          <tr data-row="converted">
            <th scope="row">Your voice model</th>
            <td>
              {db(r.mcdConvertedDb)} ({Math.round(r.mcdReduction * 100)}% less than unconverted, {r.mcdVsAffine.toFixed(2)}× the baseline)
            </td>
          </tr>
        </tbody>
      </table>
      <dl className="facts">
        <dt>Pitch</dt>
        <dd>
          error {Number.isFinite(r.f0RmseCents) ? `${Math.round(r.f0RmseCents)} cents` : '–'}, voicing error {Math.round(r.voicingError * 100)}%; your pitch{' '}
          {Math.round(r.f0.targetMeanHz)} Hz
        </dd>
        <dt>Pace</dt>
        <dd>{r.speakingRate.wordsPerMinute} words per minute in eSpeak NG terms</dd>
        <dt>Alignment</dt>
        <dd>{r.alignmentCosts.map((c) => c.toFixed(2)).join(' → ')} dB per step, by refinement round</dd>
        <dt>Languages</dt>
        <dd>
          {VOICE_LANGUAGES.map((l) => {
            const m = measured.get(l.tag);
            return m?.measured ? `${l.name} ${db(m.mcdConvertedDb ?? Number.NaN)}` : `${l.name} unmeasured`;
          }).join(' · ')}
        </dd>
      </dl>
      {r.notes.map((n) => (
        <p key={n} className="lede">
          {n}
        </p>
      ))}
      {model.samples ? (
        <section className="stack" aria-label="Compare voices">
          <p>
            A held-out take: “{model.samples.text}”
          </p>
          <div className="row">
            <Player label="A: eSpeak NG" digest={model.samples.source} />
            <Player label="B: your voice model" digest={model.samples.converted} />
            <Player label="C: your real take" digest={model.samples.real} />
          </div>
        </section>
      ) : null}
    </section>
  );
}

function Speak({ jobs }: { jobs: ReturnType<typeof useJobs> }) {
  const client = useClient();
  const toast = useToast();
  const [text, setText] = useState('');
  const [language, setLanguage] = useState('en');
  const [rate, setRate] = useState(1);
  const [current, setCurrent] = useState<string>();
  const job: Job | undefined = jobs.jobs.find((j) => j.id === current);
  const audio = job?.state === 'completed' && typeof job.result?.audio === 'string' ? job.result.audio : undefined;
  const script = VOICE_LANGUAGES.find((l) => l.tag === language)?.script;
  const speak = () =>
    client.call('voice.say', { text, language, rate }).then((started) => {
      jobs.track(started);
      setCurrent(started.id);
    }, (e: unknown) => toast(e instanceof Error ? e.message : String(e), 'error'));
  return (
    <section className="panel stack" aria-labelledby="voice-speak">
      <h3 id="voice-speak">Speak in your voice</h3>
      <label className="field">
        Text
        <textarea rows={3} value={text} maxLength={100_000} onChange={(e) => setText(e.target.value)} lang={language} />
      </label>
      <div className="row">
        <label className="field">
          Language
          <select value={language} onChange={(e) => setLanguage(e.target.value)}>
            {VOICE_LANGUAGES.map((l) => (
              <option key={l.tag} value={l.tag}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Pace {rate.toFixed(2)}×
          <input type="range" min={0.5} max={2} step={0.05} value={rate} onChange={(e) => setRate(Number(e.target.value))} />
        </label>
        <Button variant="primary" onClick={() => void speak()} disabled={text.trim() === '' || job?.state === 'running' || job?.state === 'queued'}>
          Speak
        </Button>
      </div>
      {script ? <p className="lede">Write {VOICE_LANGUAGES.find((l) => l.tag === language)?.name} {script === 'kana' ? 'in kana: eSpeak NG reads kanji as letters' : 'with its vowel marks'}.</p> : null}
      {job && job.state !== 'completed' ? (
        <p role="status" className="lede">
          {job.state === 'failed' ? `Could not speak: ${job.error ?? 'failed'}` : job.progress.message || 'Starting…'}
        </p>
      ) : null}
      {audio ? <Player label="Spoken" digest={audio} /> : null}
      {job?.state === 'completed' && typeof job.result?.subtitles === 'string' ? <pre className="subtitles" aria-label="Sentence timings">{job.result.subtitles}</pre> : null}
    </section>
  );
}

export function VoicePanel() {
  const client = useClient();
  const toast = useToast();
  const models = useCall('voice.models', {});
  const training = useJobs(['voice.train'], (job) => {
    if (job.state === 'completed') {
      toast('Your voice model is ready', 'success');
      models.reload();
    }
    if (job.state === 'failed') toast(`Voice training failed: ${job.error ?? ''}`, 'error');
  });
  const speaking = useJobs(['voice.say']);
  const [epochs, setEpochs] = useState('');
  const [starting, setStarting] = useState(false);
  const current = models.data?.at(-1);
  const start = () => {
    setStarting(true);
    client
      .call('voice.train', epochs ? { epochs: Number(epochs) } : {})
      .then(training.track, (e: unknown) => toast(e instanceof Error ? e.message : String(e), 'error'))
      .finally(() => setStarting(false));
  };
  const latest = training.jobs[0];
  return (
    <section className="panel stack" aria-labelledby="voice-panel">
      <h2 id="voice-panel">Voice</h2>
      <p className="lede">
        Your voice model learns from your transcribed voice takes (at least 2 minutes of speech): eSpeak NG reads the same text, and a network learns to turn
        its voice into yours. Then any text, in any language eSpeak NG reads, can be spoken in your voice.
      </p>
      {models.error ? <ErrorBanner error={models.error} onRetry={models.reload} /> : null}
      <div className="row">
        <label className="field">
          Epochs
          <input type="number" min={1} max={1000} placeholder="30" value={epochs} onChange={(e) => setEpochs(e.target.value)} />
        </label>
        <Button variant="primary" onClick={start} busy={starting} disabled={latest?.state === 'running' || latest?.state === 'queued'}>
          {current ? 'Train again' : 'Train my voice'}
        </Button>
      </div>
      {latest && latest.state !== 'completed' ? <TrainingJob job={latest} jobs={training} /> : null}
      {current ? <Report model={current} /> : null}
      {current ? <Speak jobs={speaking} /> : null}
    </section>
  );
}
