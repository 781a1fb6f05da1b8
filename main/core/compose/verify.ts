// Verifies a rendered file: its C2PA manifest (or sidecar), the audio watermark, the usage receipt, the twin, the licence and the anchored batch, with a verdict whose strength is stated honestly; main process and CLI.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { VerifyCheck, VerifyVerdict } from '../../contract/compose.js';
import { LOCAL_NETWORK } from '../chain/networks.js';
import { type SignedReceipt, parseSignedReceipt, receiptId, receiptMark, verifyReceiptSignature } from '../ledger/receipts.js';
import type { LedgerService } from '../ledger/service.js';
import { MediaError, decodeAudioToArray } from '../media/ffmpeg.js';
import type { TwinLibrary } from '../twin/library.js';
import type { RenderProvenance } from './c2pa/manifest.js';
import { ProvenanceReadError, type ProvenanceReport, readProvenance } from './c2pa/read.js';
import type { ComposeProjects } from './projects.js';
import { c2paFormatOf, installAnchors } from './provenance.js';
import { WATERMARK_SAMPLE_RATE, detectWatermark } from './watermark.js';

export interface VerifyDeps {
  home: string;
  projects: ComposeProjects;
  ledger: LedgerService;
  twins: TwinLibrary;
}

/** The watermark is repeated throughout: two minutes are plenty to find it, and keep memory flat for long files. */
const WATERMARK_SECONDS = 120;

/** The first minutes of the file's sound at 48 kHz; null when it has no audio stream, a problem when it cannot be read. */
async function soundOf(path: string): Promise<Float32Array | null | { problem: string }> {
  try {
    return (await decodeAudioToArray(path, { sampleRate: WATERMARK_SAMPLE_RATE, maxSeconds: WATERMARK_SECONDS, longer: 'cut' })).samples;
  } catch (error) {
    if (!(error instanceof MediaError)) throw error;
    return error.code === 'no-audio' ? null : { problem: error.message };
  }
}

async function readC2pa(path: string, sidecarPath: string | undefined, home: string): Promise<{ report: ProvenanceReport | null; check: VerifyCheck }> {
  const sidecarFile = sidecarPath ?? (existsSync(`${path}.c2pa`) ? `${path}.c2pa` : undefined);
  try {
    const bytes = new Uint8Array(await readFile(path));
    const sidecar = sidecarFile ? new Uint8Array(await readFile(sidecarFile)) : undefined;
    const report = await readProvenance(bytes, c2paFormatOf(path), { ...(sidecar ? { sidecar } : {}), trustAnchorsPem: installAnchors(home) });
    const where = sidecarFile ? `the sidecar ${sidecarFile}` : 'the file';
    if (!report.present) return { report, check: { name: 'c2pa', status: 'unknown', detail: 'no C2PA manifest (upload sites often strip it; the watermark may still tell)' } };
    if (!report.valid) return { report, check: { name: 'c2pa', status: 'fail', detail: `the manifest in ${where} does not validate: ${report.problems.join('; ')}` } };
    const signer = report.signer ? `${report.signer.subject}, issued by ${report.signer.issuer}` : 'an unnamed signer';
    const trust = report.trustedByAnchor ? "this studio's own install certificate" : 'a certificate this studio does not know (another install, or a stranger)';
    const ai = report.aiGenerated ? 'marks the media AI-generated' : 'does NOT mark the media AI-generated';
    return { report, check: { name: 'c2pa', status: 'pass', detail: `valid manifest in ${where}, signed by ${signer} — ${trust}; it ${ai}` } };
  } catch (error) {
    if (error instanceof ProvenanceReadError) return { report: null, check: { name: 'c2pa', status: 'fail', detail: `the manifest could not be read: ${error.message}` } };
    throw error;
  }
}

function signedFrom(render: RenderProvenance): SignedReceipt | { problem: string } {
  try {
    return parseSignedReceipt({ receipt: render.receipt, signature: render.receiptSignature });
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

export async function verifyFile(deps: VerifyDeps, path: string, sidecarPath?: string): Promise<VerifyVerdict> {
  const checks: VerifyCheck[] = [];
  const { report, check: c2pa } = await readC2pa(path, sidecarPath, deps.home);
  checks.push(c2pa);
  const render = report?.valid ? report.render : undefined;

  const sound = await soundOf(path);
  const found = sound instanceof Float32Array ? detectWatermark(sound, WATERMARK_SAMPLE_RATE) : null;
  const mark = found ? Buffer.from(found.mark).toString('hex') : null;
  if (sound === null) checks.push({ name: 'watermark', status: 'unknown', detail: 'the file has no audio to carry a watermark' });
  else if (!(sound instanceof Float32Array)) checks.push({ name: 'watermark', status: 'fail', detail: `the sound could not be read: ${sound.problem}` });
  else if (!mark) checks.push({ name: 'watermark', status: 'unknown', detail: 'no watermark found (too short, silent, or the sound was replaced)' });
  else if (render && render.mark !== mark) checks.push({ name: 'watermark', status: 'fail', detail: `the watermark carries ${mark}, but the manifest names ${render.mark}: the sound is not this render's` });
  else checks.push({ name: 'watermark', status: 'pass', detail: `carries the mark ${mark}${render ? ', as the manifest says' : ''} (confidence ${found!.confidence.toFixed(2)})` });

  // The receipt: from the manifest, or, when the metadata was stripped, from this studio's record of the watermark.
  let signed: SignedReceipt | undefined;
  if (render) {
    const parsed = signedFrom(render);
    if ('problem' in parsed) checks.push({ name: 'receipt', status: 'fail', detail: `the manifest's receipt is malformed: ${parsed.problem}` });
    else signed = parsed;
  } else if (mark) {
    const output = deps.projects.byMark(mark)[0];
    const stored = output ? deps.ledger.receipt(output.receiptId) : undefined;
    if (stored) signed = stored.signed;
    else checks.push({ name: 'receipt', status: 'unknown', detail: `this studio holds no render with the mark ${mark}: ask the studio that made it` });
  }
  let id: string | null = null;
  if (signed) {
    id = receiptId(signed.receipt);
    const signature = verifyReceiptSignature(signed);
    if (!signature.ok) checks.push({ name: 'receipt', status: 'fail', detail: `the receipt's signature does not hold: ${signature.message}` });
    else if (render && render.receiptId !== id) checks.push({ name: 'receipt', status: 'fail', detail: `the manifest names receipt ${render.receiptId}, but its receipt hashes to ${id}` });
    else if (render && render.twin !== signed.receipt.twin) checks.push({ name: 'receipt', status: 'fail', detail: `the manifest names twin ${render.twin}, the receipt ${signed.receipt.twin}` });
    else if (mark !== null && receiptMark(signed.receipt) !== mark) {
      checks.push({ name: 'receipt', status: 'fail', detail: `the watermark carries ${mark}, but this receipt's mark is ${receiptMark(signed.receipt)}: the sound is another render's` });
    } else {
      const bound = mark !== null ? '; the watermark carries its mark' : '';
      checks.push({ name: 'receipt', status: 'pass', detail: `receipt ${id}, ${signature.message}, ${signed.receipt.purpose} use, ${signed.receipt.language}, ${signed.receipt.time}${bound}` });
    }
  }

  checks.push(...(signed ? await twinAndLicence(deps, signed) : []));
  const anchor = signed ? await anchorCheck(deps, id!) : null;
  if (anchor) checks.push(anchor.check);

  const failed = checks.some((c) => c.status === 'fail');
  const core = ['c2pa', 'receipt'].every((name) => checks.some((c) => c.name === name && c.status === 'pass'));
  const watermarkOk = checks.some((c) => c.name === 'watermark' && c.status === 'pass');
  const verdict = failed ? 'failed' : core && watermarkOk ? 'verified' : 'partial';
  const strength = anchor?.publicChain
    ? `time and existence: the receipt batch is anchored on ${anchor.network}, a public chain anyone can read. Who the renderer is rests on their certificate and key, which a per-install certificate does not tie to a legal identity.`
    : 'consistency, not identity: the file, its manifest, watermark, receipt and twin agree with each other and with this studio’s records. A per-install certificate and a private local chain do not prove to a third party who made it or when; an anchor on a public chain would prove time and existence.';
  return { verdict, strength, checks, receiptId: id, twin: signed?.receipt.twin ?? render?.twin ?? null };
}

async function twinAndLicence(deps: VerifyDeps, signed: SignedReceipt): Promise<VerifyCheck[]> {
  const { receipt } = signed;
  const twins = await deps.twins.list();
  const twin = twins.find((t) => t.manifestDigest === receipt.twin);
  const checks: VerifyCheck[] = [];
  if (!twin) checks.push({ name: 'twin', status: 'unknown', detail: `the twin ${receipt.twin} is not in this studio; its owner's signature can be checked where it is` });
  else if (twin.problems.length > 0) checks.push({ name: 'twin', status: 'fail', detail: `the twin ${twin.id} is damaged: ${twin.problems.map((p) => `${p.part}: ${p.message}`).join('; ')}` });
  else checks.push({ name: 'twin', status: 'pass', detail: `${twin.name} (${twin.id}), sealed and signed by its owner ${twin.owner}` });

  if (receipt.licence === 'owner') {
    if (twin && twin.owner.toLowerCase() !== receipt.renderer.toLowerCase()) {
      checks.push({ name: 'licence', status: 'fail', detail: `the receipt claims the owner's own use, but was signed by ${receipt.renderer}, not the owner ${twin.owner}` });
    } else checks.push({ name: 'licence', status: twin ? 'pass' : 'unknown', detail: "rendered by the twin's owner, no licence needed" });
    return checks;
  }
  const record = deps.ledger.licence(receipt.licence);
  if (!record?.grant) {
    checks.push({ name: 'licence', status: 'unknown', detail: `this studio holds no copy of the licence ${receipt.licence}` });
    return checks;
  }
  const checked = await deps.ledger.verifyGrant(record.grant, record.twinId, new Date(receipt.time));
  const renderer = record.grant.request.licensee.toLowerCase() === receipt.renderer.toLowerCase();
  if (!checked.ok || !renderer) {
    const problems = [...checked.problems, ...(renderer ? [] : [`the licence is for ${record.grant.request.licensee}, but ${receipt.renderer} rendered`])];
    checks.push({ name: 'licence', status: 'fail', detail: problems.join('; ') });
  } else checks.push({ name: 'licence', status: 'pass', detail: `licence ${receipt.licence} to ${record.grant.request.licensee}: ${checked.signature}; ${checked.chain.message}` });
  return checks;
}

async function anchorCheck(deps: VerifyDeps, id: string): Promise<{ check: VerifyCheck; publicChain: boolean; network: string | null }> {
  const stored = deps.ledger.receipt(id);
  if (!stored) return { check: { name: 'anchor', status: 'unknown', detail: 'the receipt is not in this studio, so its batch is unknown here' }, publicChain: false, network: null };
  if (stored.batchRoot === null) return { check: { name: 'anchor', status: 'unknown', detail: 'the receipt is not anchored yet (`likeness receipts anchor`, then `likeness publish`)' }, publicChain: false, network: null };
  const proof = await deps.ledger.prove(id);
  const result = await deps.ledger.verifyProof(proof);
  const network = result.chain.network;
  const publicChain = result.onChain?.accepted === true && network !== null && network !== LOCAL_NETWORK.name;
  if (!result.ok) return { check: { name: 'anchor', status: 'fail', detail: result.problems.join('; ') }, publicChain: false, network };
  if (!result.chain.reached) return { check: { name: 'anchor', status: 'unknown', detail: `the proof holds offline (root ${result.root}); ${result.chain.message}` }, publicChain: false, network };
  return { check: { name: 'anchor', status: result.onChain?.accepted ? 'pass' : 'fail', detail: `${result.chain.message} (root ${result.root})` }, publicChain, network };
}
