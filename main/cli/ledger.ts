// `likeness license request|evaluate|approve|grant|revoke|verify` and `likeness receipts list|issue|anchor|prove|verify`: licences and usage receipts exchanged as files; CLI process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEther } from 'ethers';
import { LOCAL_NETWORK } from '../core/chain/networks.js';
import { resolveHome } from '../core/store/home.js';
import { writeFileAtomic } from '../core/store/atomic.js';
import { openStudio } from '../core/studio.js';
import type { Studio } from '../core/studio.js';
import type { ChainReport } from '../core/ledger/service.js';
import { PURPOSES, type Purpose } from '../core/twin/rules/schema.js';
import { EXIT } from './exit-codes.js';
import { readPassphrase } from './passphrase.js';
import { type Io, UsageError, type Verb } from './verb.js';

type Values = Record<string, string | boolean | undefined>;

type LicenseAction = 'request' | 'evaluate' | 'approve' | 'pay' | 'grant' | 'revoke' | 'verify' | 'hold';
type ReceiptAction = 'list' | 'issue' | 'anchor' | 'prove' | 'verify';
/** What each action cannot do without: checked before the studio opens or a passphrase is asked for. */
interface Needs {
  arg?: string;
  options?: readonly string[];
}
const LICENSE_NEEDS: Record<LicenseAction, Needs> = {
  request: { options: ['twin-digest', 'purpose', 'lang', 'to', 'max-renders'] },
  evaluate: { arg: 'licence request file', options: ['twin'] },
  approve: { arg: 'licence request file', options: ['twin-token'] },
  pay: { arg: 'licence request file' },
  grant: { arg: 'licence hash (printed by `likeness license evaluate`)', options: ['twin'] },
  revoke: { arg: 'licence hash' },
  verify: { arg: 'licence file' },
  hold: { arg: 'licence file', options: ['twin'] },
};
const RECEIPT_NEEDS: Record<ReceiptAction, Needs> = {
  list: {},
  issue: { options: ['twin', 'output', 'purpose', 'lang'] },
  anchor: { options: ['twin'] },
  prove: { arg: 'receipt id (see `likeness receipts list`)' },
  verify: { arg: 'proof file' },
};
/** Actions that sign, so need the identity unlocked. */
const SIGNS: ReadonlySet<string> = new Set(['license request', 'license approve', 'license pay', 'license grant', 'license hold', 'receipts issue']);

async function withStudio(verb: string, action: string, values: Values, io: Io, work: (studio: Studio) => Promise<number>): Promise<number> {
  const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
  try {
    if (SIGNS.has(`${verb} ${action}`)) await studio.identity.unlock(await readPassphrase(values, 'Passphrase of your identity: ', false));
    return await work(studio);
  } finally {
    await studio.close();
  }
}

function needOption(values: Values, name: string, action: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${action} needs --${name}.`);
  return value;
}

function readInput(path: string, what: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new UsageError(`Cannot read the ${what} ${path}.`);
  }
}

/** The document to -o FILE, or to stdout when no file is named, so it can be piped. */
function writeDocument(values: Values, io: Io, document: unknown, what: string): void {
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const out = values.out;
  if (typeof out !== 'string') {
    io.out(text.trimEnd());
    return;
  }
  writeFileAtomic(resolve(out), text);
  io.err(`Wrote the ${what} to ${out}.`);
}

function purposeOf(values: Values, action: string): Purpose {
  const purpose = needOption(values, 'purpose', action);
  if (!(PURPOSES as readonly string[]).includes(purpose)) throw new UsageError(`--purpose ${purpose} is not a purpose; choose from ${PURPOSES.join(', ')}.`);
  return purpose as Purpose;
}

/** --max-fee in ETH ("0.05"), the most the licensee agrees to pay. */
function maxFeeOf(values: Values): { maxFeeWei?: bigint } {
  const text = values['max-fee'];
  if (text === undefined) return {};
  try {
    const wei = parseEther(String(text));
    if (wei >= 0n) return { maxFeeWei: wei };
  } catch {
    // Reported below with the value as given.
  }
  throw new UsageError(`--max-fee ${String(text)} is not an amount of ETH (for example 0.05).`);
}

const networkOf = (values: Values) => (values.network as string | undefined) ?? LOCAL_NETWORK.id;

/** Offline checks that passed with the chain unread are not the whole verdict: scripts can tell by the exit code. */
function verdictCode(ok: boolean, chain: ChainReport): number {
  if (!ok) return EXIT.failure;
  return chain.reached ? EXIT.ok : EXIT.unavailable;
}

const COMMON_OPTIONS = {
  network: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'passphrase-file': { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function licenseAct(studio: Studio, action: LicenseAction, arg: string | undefined, values: Values, io: Io): Promise<number> {
  const { ledger } = studio;
  const file = (what: string) => readInput(arg!, what);
  switch (action) {
    case 'request': {
      const request = ledger.request({
        twin: needOption(values, 'twin-digest', 'request'),
        purpose: purposeOf(values, 'request'),
        languages: needOption(values, 'lang', 'request').split(',').map((tag) => tag.trim()).filter(Boolean),
        term: { from: (values.from as string | undefined) ?? new Date().toISOString(), to: needOption(values, 'to', 'request') },
        maxRenders: Number(needOption(values, 'max-renders', 'request')),
        ...(typeof values.network === 'string' ? { networkId: values.network } : {}),
      });
      writeDocument(values, io, request, 'licence request');
      return EXIT.ok;
    }
    case 'evaluate': {
      const evaluation = await ledger.evaluate(file('licence request'), needOption(values, 'twin', 'evaluate'));
      if (values.json) io.out(JSON.stringify(evaluation));
      else if (evaluation.allowed) io.out(`Licence ${evaluation.licenseHash} keeps to the twin's rules (${evaluation.state}); grant it with \`likeness license grant ${evaluation.licenseHash} --twin …\`.`);
      else io.out([`Licence ${evaluation.licenseHash} is refused by the twin's rules:`, ...evaluation.violations.map((v) => `  ${v.rule}: ${v.message}`)].join('\n'));
      return evaluation.allowed ? EXIT.ok : EXIT.failure;
    }
    case 'approve': {
      const epoch = values.epoch === undefined ? undefined : Number(values.epoch);
      if (epoch !== undefined && !(Number.isSafeInteger(epoch) && epoch >= 0)) throw new UsageError(`--epoch ${String(values.epoch)} is not a whole number.`);
      const approval = await ledger.approveAsValidator(file('licence request'), {
        twinTokenId: needOption(values, 'twin-token', 'approve'),
        networkId: networkOf(values),
        ...(epoch === undefined ? {} : { epoch }),
      });
      writeDocument(values, io, approval, 'approval');
      return EXIT.ok;
    }
    case 'pay': {
      const maxFee = maxFeeOf(values);
      const paid = await ledger.payFee(file('licence request'), networkOf(values), maxFee);
      if (values.json) io.out(JSON.stringify(paid));
      else io.out(paid.message);
      return EXIT.ok;
    }
    case 'grant': {
      const approvals = typeof values.approvals === 'string' ? values.approvals.split(',').map((path) => path.trim()).filter(Boolean).map((path) => readInput(path, 'approval file')) : [];
      const outcome = await ledger.grant(arg!, { networkId: networkOf(values), approvals, twinId: needOption(values, 'twin', 'grant') });
      writeDocument(values, io, outcome.grant, 'licence');
      for (const note of outcome.notes) io.err(`  note: ${note}`);
      io.err(
        `Granted: the content key is wrapped for ${outcome.envelopeRecipient}${outcome.approvedBy.length > 0 ? `; approved by ${outcome.approvedBy.join(', ')}` : ''}. ` +
          `The approval (${outcome.outboxId}) is queued: \`likeness publish\` sends it.`,
      );
      return EXIT.ok;
    }
    case 'revoke': {
      const revoked = await ledger.revoke(arg!, networkOf(values));
      if (values.json) io.out(JSON.stringify(revoked));
      else io.out(`Revocation ${revoked.outboxId} queued.\n${revoked.reminder}`);
      return EXIT.ok;
    }
    case 'verify': {
      const verdict = await ledger.verifyGrant(file('licence file'), values.twin as string | undefined);
      if (values.json) io.out(JSON.stringify(verdict));
      else {
        io.out(`${verdict.ok ? 'Valid' : 'NOT valid'}: licence ${verdict.licenseHash}`);
        io.out(`  signature: ${verdict.signature}`);
        io.out(`  chain: ${verdict.chain.message}`);
        for (const problem of verdict.problems) io.out(`  PROBLEM ${problem}`);
      }
      return verdictCode(verdict.ok, verdict.chain);
    }
    case 'hold': {
      const held = await ledger.holdLicence(file('licence file'), needOption(values, 'twin', 'hold'));
      if (values.json) io.out(JSON.stringify(held));
      else io.out(`Holding licence ${held.licenseHash}: ${held.request.purpose} use in ${held.request.languages.join(', ')} until ${held.request.term.to}, ${held.request.maxRenders} render(s). Render with \`likeness compose render … --licence ${held.licenseHash}\`.`);
      return EXIT.ok;
    }
  }
}

async function receiptsAct(studio: Studio, action: ReceiptAction, arg: string | undefined, values: Values, io: Io): Promise<number> {
  const { ledger } = studio;
  switch (action) {
    case 'list': {
      const receipts = ledger.listReceipts({ ...(typeof values.twin === 'string' ? { twinId: values.twin } : {}), unanchored: values.unanchored === true });
      if (values.json) io.out(JSON.stringify(receipts));
      else if (receipts.length === 0) io.out('No receipts.');
      else {
        for (const r of receipts) {
          const { receipt } = r.signed;
          const licence = receipt.licence === 'owner' ? 'owner' : `licence ${receipt.licence.slice(0, 10)}…`;
          io.out(`${r.id}  ${r.time}  ${r.twinId}  ${receipt.purpose} ${receipt.language}  ${licence}  ${r.batchRoot ? `anchored ${r.batchRoot.slice(0, 10)}…` : 'not anchored'}`);
        }
      }
      return EXIT.ok;
    }
    case 'issue': {
      const licence = values.licence;
      const signed = await ledger.issue({
        twinId: needOption(values, 'twin', 'issue'),
        outputPath: resolve(needOption(values, 'output', 'issue')),
        purpose: purposeOf(values, 'issue'),
        language: needOption(values, 'lang', 'issue'),
        ...(typeof licence === 'string' ? { licenseHash: licence } : {}),
      });
      writeDocument(values, io, signed, 'signed receipt');
      return EXIT.ok;
    }
    case 'anchor': {
      const anchored = await ledger.anchor(needOption(values, 'twin', 'anchor'), networkOf(values));
      if (values.json) io.out(JSON.stringify(anchored));
      else io.out(`Batched ${anchored.count} receipt(s) under the root ${anchored.root}; the anchor (${anchored.outboxId}) is queued: \`likeness publish\` sends it.`);
      return EXIT.ok;
    }
    case 'prove': {
      writeDocument(values, io, await ledger.prove(arg!, values.network as string | undefined), 'receipt proof');
      return EXIT.ok;
    }
    case 'verify': {
      const verdict = await ledger.verifyProof(readInput(arg!, 'proof file'), values.network as string | undefined);
      if (values.json) io.out(JSON.stringify(verdict));
      else {
        io.out(`${verdict.ok ? 'Valid' : 'NOT valid'}: receipt ${verdict.receiptId} under the root ${verdict.root}`);
        io.out(`  chain: ${verdict.chain.message}`);
        for (const problem of verdict.problems) io.out(`  PROBLEM ${problem}`);
      }
      return verdictCode(verdict.ok, verdict.chain);
    }
  }
}

function actionOf<A extends string>(positionals: readonly string[], needs: Record<A, Needs>, values: Values): { action: A; arg: string | undefined } {
  const [action, arg, ...rest] = positionals;
  const actions = Object.keys(needs) as A[];
  if (!action || !(actions as string[]).includes(action)) throw new UsageError(`Say what to do: ${actions.join(', ')}.`);
  const need = needs[action as A];
  if (need.arg !== undefined && arg === undefined) throw new UsageError(`${action} needs the ${need.arg}.`);
  const extra = need.arg === undefined ? positionals.slice(1) : rest;
  if (extra.length > 0) throw new UsageError(`Unexpected ${extra.join(' ')}.`);
  for (const option of need.options ?? []) needOption(values, option, action);
  return { action: action as A, arg };
}

export const license: Verb = {
  summary: 'Licence requests, validators\' approvals, grants and revocations, exchanged as files',
  help: `Usage: likeness license request --twin-digest sha256:… --purpose P --lang en,es [--from ISO] --to ISO --max-renders N [--network ID] [-o FILE]
       likeness license evaluate REQUEST_FILE --twin ID
       likeness license approve REQUEST_FILE --twin-token ID [--network ID] [--epoch N] [-o FILE]
       likeness license pay REQUEST_FILE [--max-fee ETH] [--network ID]
       likeness license grant HASH --twin ID [--approvals A.json,B.json] [--network ID] [-o FILE]
       likeness license revoke HASH [--network ID]
       likeness license verify LICENCE_FILE [--twin ID]
       likeness license hold LICENCE_FILE --twin ID

request   (the licensee) a request for a twin, naming your identity's address and public key, the
          purpose (${PURPOSES.join(', ')}), languages, term and renders;
          --network binds it to the twin's token there
evaluate  (the owner) checks a request against the twin's current rules and keeps it
approve   (a validator) signs an approval of a request for the twin's current validator epoch, read
          from the chain (or given with --epoch); --twin-token is the token id or manifest digest
pay       (the licensee) when the twin's licences cost a fee: queues paying exactly the fee the registry
          asks into its escrow (refused when above --max-fee); \`likeness publish\` sends it after you
          confirm. The creator is paid when the licence is approved; a revoked request is refunded
grant     (the owner) checks the rules again, tallies the validators' approval files when the rules
          name validators, checks on the chain that a fee the rules ask is paid, signs the licence,
          wraps the content key for the licensee and queues the approval for \`likeness publish\`
revoke    (the owner) queues the revocation; \`likeness twin rotate ID --revoke ADDRESS\` is what stops
          future copies from opening
verify    the owner's signature, the licence hash and, when the chain answers, its on-chain status
hold      (the licensee) keeps a licence you were granted, so \`likeness compose render --licence\` can use it;
          the twin (with your key envelope) must be imported first

Files are written to -o FILE, or printed when there is none. Signing asks for your identity's
passphrase (or reads LIKENESS_PASSPHRASE or --passphrase-file). The default network is the local chain.

Exit code: 0 done or valid, 1 refused or not valid, 2 bad usage or a malformed file,
5 valid as far as checked, but the chain could not be reached.`,
  options: {
    ...COMMON_OPTIONS,
    twin: { type: 'string' },
    'twin-digest': { type: 'string' },
    'twin-token': { type: 'string' },
    purpose: { type: 'string' },
    lang: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'max-renders': { type: 'string' },
    approvals: { type: 'string' },
    epoch: { type: 'string' },
    'max-fee': { type: 'string' },
  },
  positionals: ['action', 'arg'],
  async run(values, io, positionals) {
    const { action, arg } = actionOf(positionals, LICENSE_NEEDS, values);
    return withStudio('license', action, values, io, (studio) => licenseAct(studio, action, arg, values, io));
  },
};

export const receipts: Verb = {
  summary: 'Usage receipts of renders: issue, list, anchor their Merkle root on-chain, prove and verify one',
  help: `Usage: likeness receipts list [--twin ID] [--unanchored]
       likeness receipts issue --twin ID --output FILE --purpose P --lang L [--licence HASH]
       likeness receipts anchor --twin ID [--network ID]
       likeness receipts prove RECEIPT_ID [-o FILE]
       likeness receipts verify PROOF_FILE [--network ID]

issue    a receipt for one rendered file: its SHA-256, the twin, purpose, language, licence (none:
         the owner's own use), signed by your identity
anchor   batches the twin's receipts not yet anchored under one Merkle root and queues it for the
         registry; \`likeness publish\` sends it
prove    the proof file for one anchored receipt: the receipt, its path to the root, the batch
verify   checks a proof file by itself (signature, ids, path, batch times) and, when the chain
         answers, that the registry anchored its root for that twin; it says so when only the
         offline checks ran

Exit code: 0 done or valid, 1 not valid or refused, 2 bad usage or a malformed file,
5 valid as far as checked, but the chain could not be reached.`,
  options: {
    ...COMMON_OPTIONS,
    twin: { type: 'string' },
    output: { type: 'string' },
    purpose: { type: 'string' },
    lang: { type: 'string' },
    licence: { type: 'string' },
    unanchored: { type: 'boolean' },
  },
  positionals: ['action', 'arg'],
  async run(values, io, positionals) {
    const { action, arg } = actionOf(positionals, RECEIPT_NEEDS, values);
    return withStudio('receipts', action, values, io, (studio) => receiptsAct(studio, action, arg, values, io));
  },
};
