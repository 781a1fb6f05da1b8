// `npm run demo`: the whole main job headless and offline — the test creator captured and trained, the twin sealed, minted on the embedded chain, licensed to a second identity who renders an English and Spanish video and verifies it; demo process.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultTwinRules } from '../main/contract/models.js';
import { verifyFile } from '../main/core/compose/verify.js';
import { type Studio, openStudio } from '../main/core/studio.js';
import { trainTestCreator } from '../test/fixtures/trained-creator.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PASSPHRASE = 'demo passphrase, not a secret';

export interface DemoResult {
  seconds: number;
  video: string;
  verdict: string;
}

export async function runDemo(options: { dir?: string; log?: (line: string) => void } = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = resolve(options.dir ?? join(REPO, 'demo-output'));
  const started = performance.now();
  let stepAt = started;
  const step = (title: string) => {
    const now = performance.now();
    log(`\n[${((now - started) / 1000).toFixed(0).padStart(4)} s] ${title}`);
    stepAt = now;
  };
  const took = () => `${((performance.now() - stepAt) / 1000).toFixed(1)} s`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const creatorHome = join(dir, 'creator-home');
  const licenseeHome = join(dir, 'licensee-home');
  let creator: Studio | undefined;
  let licensee: Studio | undefined;
  try {
    step('Creator: a new identity, the test creator captured, voice and face models trained');
    creator = openStudio(creatorHome);
    const identity = await creator.identity.create(PASSPHRASE);
    await creator.identity.unlock(PASSPHRASE);
    log(`  identity ${identity.address} (passphrase "${PASSPHRASE}")`);
    const trained = await trainTestCreator(creator, { log });
    log(`  done in ${took()}: voice model ${trained.voiceModel}, face model ${trained.faceModel}`);

    step('Creator: the twin sealed (encrypted, signed, rules inside) and minted on the embedded chain');
    const rules = { ...defaultTwinRules(), purposes: ['personal', 'education'] as const };
    const twin = await creator.twins.pack({ name: 'Demo creator', voiceModel: trained.voiceModel, faceModel: trained.faceModel, rules });
    log(`  twin ${twin.id} ${twin.manifestDigest}`);
    await creator.chain.mint(twin.id, 'local');
    const minted = await creator.chain.publish('local', { confirm: () => true });
    log(`  minted: ${minted.sent.length} transaction(s) sent (${took()})`);

    step('Licensee: a second identity asks for an education licence in English and Spanish');
    licensee = openStudio(licenseeHome);
    const second = await licensee.identity.create(PASSPHRASE);
    await licensee.identity.unlock(PASSPHRASE);
    const now = new Date();
    const request = licensee.ledger.request({
      twin: twin.manifestDigest,
      purpose: 'education',
      languages: ['en', 'es'],
      term: { from: new Date(now.getTime() - 60_000).toISOString(), to: new Date(now.getTime() + 30 * 86_400_000).toISOString() },
      maxRenders: 5,
      networkId: 'local',
    });
    log(`  licensee ${second.address}`);

    step('Creator: the request checked against the rules, granted, the approval sent on-chain, the twin exported');
    const evaluation = await creator.ledger.evaluate(request, twin.id);
    if (!evaluation.allowed) throw new Error(`the licence was refused: ${evaluation.violations.map((v) => v.message).join('; ')}`);
    const granted = await creator.ledger.grant(evaluation.licenseHash, { networkId: 'local', twinId: twin.id });
    await creator.chain.publish('local', { confirm: () => true });
    const twinFile = join(dir, 'demo-twin.tar');
    const licenceFile = join(dir, 'licence.json');
    await creator.twins.exportFile(twin.id, twinFile);
    writeFileSync(licenceFile, `${JSON.stringify(granted.grant, null, 2)}\n`);
    log(`  licence ${evaluation.licenseHash}; twin file ${twinFile}; licence file ${licenceFile} (${took()})`);

    step('Licensee: the twin and licence taken in, a two-language script rendered under the licence');
    const imported = await licensee.twins.importFile(twinFile);
    await licensee.ledger.holdLicence(granted.grant, imported.id);
    const project = licensee.projects.create({
      title: 'Demo: hello in two languages',
      segments: [
        { language: 'en', text: 'Hello! This short video was made on my own computer, from my own voice and face.', pauseSeconds: 0.4 },
        { language: 'es', text: 'Hola. Este vídeo se hizo en mi propio ordenador, con mi propia voz y mi propia cara.', pauseSeconds: 0.4 },
      ],
    });
    const job = licensee.jobs.start('compose.render', { project: project.id, twinId: imported.id, purpose: 'education', licenseHash: evaluation.licenseHash });
    const done = await licensee.jobs.settled(job.id);
    if (done.state !== 'completed') throw new Error(`the render ended ${done.state}: ${done.error ?? ''}`);
    const output = licensee.projects.output(String(done.result!.output))!;
    log(`  ${output.path} (${output.seconds.toFixed(1)} s, ${took()})`);
    log(`  subtitles ${output.subtitles.vtt} and .srt; receipt ${output.receiptId}; watermark ${output.mark}`);

    step('Anyone: the video verified');
    const verdict = await verifyFile(licensee, output.path);
    for (const check of verdict.checks) log(`  ${check.status.padEnd(7)} ${check.name.padEnd(9)} ${check.detail}`);
    log(`  verdict: ${verdict.verdict.toUpperCase()} — ${verdict.strength}`);

    const seconds = (performance.now() - started) / 1000;
    log(`\nDone in ${seconds.toFixed(0)} s. Everything is under ${dir}:`);
    log(`  creator's studio   ${creatorHome}   (likeness … --home ${creatorHome})`);
    log(`  licensee's studio  ${licenseeHome}`);
    log(`  the video          ${output.path}`);
    return { seconds, video: output.path, verdict: verdict.verdict };
  } finally {
    await licensee?.close();
    await creator?.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(REPO, 'test', 'fixtures'))) {
    process.stderr.write('The demo builds its creator from the test fixtures of a source checkout; run it from a clone of the repository.\n');
    process.exit(2);
  }
  runDemo().then(
    (result) => process.exit(result.verdict === 'failed' ? 1 : 0),
    (error: unknown) => {
      process.stderr.write(`The demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
