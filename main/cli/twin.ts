// `likeness twin pack|list|inspect|verify|open|grant-key|rules|rotate|erase|export|import|push|pull`: the sealed twin from the command line; CLI process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openStudio } from '../core/studio.js';
import type { Studio } from '../core/studio.js';
import { resolveHome } from '../core/store/home.js';
import { defaultRules } from '../core/twin/rules/schema.js';
import type { TwinSummary } from '../core/twin/library.js';
import { EXIT } from './exit-codes.js';
import { readPassphrase } from './passphrase.js';
import { type Io, UsageError, type Verb } from './verb.js';

const ACTIONS = ['pack', 'list', 'inspect', 'verify', 'open', 'grant-key', 'rules', 'rotate', 'erase', 'export', 'import', 'push', 'pull'] as const;
type Action = (typeof ACTIONS)[number];
/** Actions that sign or decrypt, so need the identity unlocked. */
const NEEDS_KEY: ReadonlySet<Action> = new Set(['pack', 'open', 'grant-key', 'rules', 'rotate']);

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MiB`;

export function describeTwin(twin: TwinSummary): string[] {
  return [
    `Twin ${twin.id} "${twin.name}"`,
    `  manifest  ${twin.manifestDigest}`,
    `  owner     ${twin.owner}`,
    `  sealed    ${new Date(twin.createdAt).toLocaleString()}`,
    `  parts     ${twin.parts.map((p) => `${p.name} (${mib(p.size)})`).join(', ')}`,
    ...twin.models.map((m) => `  ${m.kind} model v${m.version}: ${Object.entries(m.figures).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`).join(', ')}`),
    `  consent   ${twin.consent ? `${twin.consent.accepted ? 'accepted' : 'NOT accepted'} (${twin.consent.language}, ${twin.consent.createdAt}) ${twin.consent.digest}` : 'none sealed'}`,
    `  keys      ${twin.recipients.map((r) => r.address).join(', ') || 'none here (erased)'}`,
    `  rules     version ${twin.rulesVersion} ${twin.rulesDigest}`,
    ...twin.rulesSummary.map((line) => `    ${line}`),
    ...twin.problems.map((p) => `  PROBLEM ${p.part}: ${p.message}`),
  ];
}

function readRules(path: string | undefined): unknown {
  if (path === undefined) return defaultRules();
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--rules ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function need(values: Record<string, string | boolean | undefined>, name: string, action: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${action} needs --${name}.`);
  return value;
}

async function act(studio: Studio, action: Action, id: string | undefined, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const json = values.json === true;
  const print = (value: unknown, lines: string[]) => {
    if (json) io.out(JSON.stringify(value));
    else for (const line of lines) io.out(line);
  };
  const twinId = () => {
    if (!id) throw new UsageError(`${action} needs a twin id (see \`likeness twin list\`).`);
    return id;
  };
  switch (action) {
    case 'list': {
      const twins = await studio.twins.list();
      print(twins, twins.length === 0 ? ['No twins yet: `likeness twin pack --name "My twin" --voice latest --face latest`.'] : twins.map((t) => `${t.id}  ${t.name}  v${t.rulesVersion}  ${t.manifestDigest.slice(0, 19)}…  ${t.parts.length} parts`));
      return EXIT.ok;
    }
    case 'pack': {
      const pick = (flag: string, latest: () => string | undefined) => {
        const value = values[flag];
        if (value === undefined) return undefined;
        if (value === 'latest') {
          const found = latest();
          if (!found) throw new UsageError(`--${flag} latest: there is no ${flag} model yet; train one first.`);
          return found;
        }
        return String(value);
      };
      const voiceModel = pick('voice', () => studio.voiceModels.current()?.id);
      const faceModel = pick('face', () => studio.faceModels.current()?.id);
      const twin = await studio.twins.pack(
        {
          name: (values.name as string | undefined) ?? 'My twin',
          rules: readRules(values.rules as string | undefined),
          ...(voiceModel ? { voiceModel } : {}),
          ...(faceModel ? { faceModel } : {}),
          consent: values['no-consent'] !== true,
        },
        (bytes) => io.err(`  sealed ${mib(bytes)}`),
      );
      print(twin, describeTwin(twin));
      return EXIT.ok;
    }
    case 'inspect': {
      const twin = await studio.twins.inspect(twinId());
      print(twin, describeTwin(twin));
      return twin.problems.length === 0 ? EXIT.ok : EXIT.failure;
    }
    case 'verify': {
      const result = await studio.twins.verify(twinId(), values.decrypt === true);
      const owner = result.twin?.descriptor.owner;
      print(
        { ok: result.ok, problems: result.problems, decrypted: result.decrypted, manifestDigest: result.twin?.manifestDigest ?? null },
        result.ok
          ? [`Verified: signed by its owner ${owner}; every digest matches${result.decrypted ? ', and every layer decrypts and authenticates' : ''}.`]
          : ['NOT verified:', ...result.problems.map((p) => `  ${p.part}: ${p.message}`)],
      );
      return result.ok ? EXIT.ok : EXIT.failure;
    }
    case 'open': {
      const opened = await studio.twins.open(twinId());
      print(opened, [`Opened into ${opened.dir} (rules version ${opened.rules.version}):`, ...opened.parts.map((p) => `  ${p.name}  ${mib(p.size)}  ${p.path}`)]);
      return EXIT.ok;
    }
    case 'grant-key': {
      const granted = await studio.twins.grant(twinId(), need(values, 'to', 'grant-key'));
      print(granted, [granted.added ? `Granted a key to ${granted.recipient}; the manifest ${granted.manifestDigest} and its signature are unchanged.` : `${granted.recipient} already holds a key.`]);
      return EXIT.ok;
    }
    case 'rules': {
      const published = await studio.chain.publishRules(twinId(), readRules(need(values, 'rules', 'rules')));
      const onChain = published.queuedOn.length === 0 ? [] : [`  Its digest, validators and fee are queued for chain ${published.queuedOn.join(', ')}, where the twin is minted: \`likeness publish\` sends them.`];
      print(published, [`Published rules version ${published.version} (${published.rulesDigest}); the manifest and its signature are unchanged.`, ...onChain]);
      return EXIT.ok;
    }
    case 'rotate': {
      const revoke = typeof values.revoke === 'string' ? values.revoke.split(',').map((a) => a.trim()).filter(Boolean) : [];
      const rotated = await studio.twins.rotate(twinId(), revoke);
      print(rotated, [
        `Re-encrypted under a new key: manifest ${rotated.manifestDigest} (was ${rotated.previousManifestDigest}).`,
        `  keys re-wrapped for: ${rotated.recipients.join(', ') || 'only you'}${rotated.revoked.length > 0 ? `; revoked: ${rotated.revoked.join(', ')}` : ''}`,
        '  Copies handed out before keep their old keys: share the rotated twin and update its on-chain digest.',
      ]);
      return EXIT.ok;
    }
    case 'erase': {
      if (values.yes !== true) throw new UsageError('erase destroys every key to this twin on this machine; run it again with --yes to confirm.');
      const erased = await studio.twins.erase(twinId());
      print(erased, [`Erased ${erased.envelopesRemoved} key envelope(s) and the opened plaintext: this copy can no longer be opened here.`]);
      return EXIT.ok;
    }
    case 'export': {
      const out = resolve(need(values, 'out', 'export'));
      const written = await studio.twins.exportFile(twinId(), out);
      print({ path: out, ...written }, [`Wrote ${out} (${mib(written.bytes)}).`]);
      return EXIT.ok;
    }
    case 'import': {
      if (!id) throw new UsageError('import needs the file to import.');
      const twin = await studio.twins.importFile(resolve(id));
      print(twin, ['Imported and verified:', ...describeTwin(twin)]);
      return EXIT.ok;
    }
    case 'push': {
      const pushed = await studio.twins.push(twinId(), {
        registry: need(values, 'registry', 'push'),
        repository: need(values, 'repo', 'push'),
        ...(typeof values.tag === 'string' ? { tag: values.tag } : {}),
        ...(process.env.LIKENESS_REGISTRY_TOKEN ? { token: process.env.LIKENESS_REGISTRY_TOKEN } : {}),
      });
      print(pushed, [`Pushed ${pushed.reference} (${pushed.manifestDigest}) with its signature, keys and rules.`]);
      return EXIT.ok;
    }
    case 'pull': {
      const twin = await studio.twins.pull({
        registry: need(values, 'registry', 'pull'),
        repository: need(values, 'repo', 'pull'),
        reference: need(values, 'ref', 'pull'),
        ...(process.env.LIKENESS_REGISTRY_TOKEN ? { token: process.env.LIKENESS_REGISTRY_TOKEN } : {}),
      });
      print(twin, ['Pulled and verified:', ...describeTwin(twin)]);
      return EXIT.ok;
    }
  }
}

export const twin: Verb = {
  summary: 'Seal your models into a signed, encrypted twin; inspect, verify, share and revoke it',
  help: `Usage: likeness twin pack --name NAME [--voice ID|latest] [--face ID|latest] [--rules FILE] [--no-consent]
       likeness twin list | inspect ID | verify ID [--decrypt] | open ID
       likeness twin grant-key ID --to PUBLIC_KEY | rules ID --rules FILE | rotate ID [--revoke ADDR,…] | erase ID --yes
       likeness twin export ID -o FILE | import FILE
       likeness twin push ID --registry URL --repo NAME [--tag TAG] | pull --registry URL --repo NAME --ref TAG|DIGEST

pack       encrypts the chosen model versions, the face's idle loop, their reports and your newest
           accepted consent take (AES-256-GCM in chunks), writes the public descriptor with the
           rules, and signs the manifest with your identity (EIP-712). Default rules: personal
           and education use, any language, an AI label on every video, no political, sexual,
           hateful, violent or impersonating content. A rules FILE is JSON (see FORMAT.md).
inspect    owner, digests, parts, keys and the current rules in plain words; no key needed
verify     every digest and signature; --decrypt also decrypts and authenticates every layer
open       decrypts the parts into the twin's folder for rendering (refused once its rules expired)
grant-key  wraps the content key for a licensee's public key (\`likeness identity show\` prints
           theirs); the manifest and its signature do not change
rules      publishes a new owner-signed rule version; the newest one is the current rules
rotate     re-encrypts under a new key for the remaining recipients: what revocation can enforce
erase      destroys this machine's keys to the twin and its opened plaintext (crypto-shredding)
export     one file (a tar of the OCI layout); import checks everything before keeping it
push/pull  any OCI registry (distribution API); a token is read from LIKENESS_REGISTRY_TOKEN

Signing and decrypting ask for your identity's passphrase (or read LIKENESS_PASSPHRASE or
--passphrase-file).

Options:
  --home DIR   data home
  --json       machine-readable output
  -h, --help   show this help

Exit code: 0 done, 1 failed or not verified, 2 bad usage, 5 registry unreachable.`,
  options: {
    name: { type: 'string' },
    voice: { type: 'string' },
    face: { type: 'string' },
    rules: { type: 'string' },
    'no-consent': { type: 'boolean' },
    decrypt: { type: 'boolean' },
    to: { type: 'string' },
    revoke: { type: 'string' },
    yes: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    registry: { type: 'string' },
    repo: { type: 'string' },
    tag: { type: 'string' },
    ref: { type: 'string' },
    'passphrase-file': { type: 'string' },
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['action', 'id'],
  async run(values, io, positionals) {
    const [action, id, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    if (rest.length > 0) throw new UsageError(`Unexpected ${rest.join(' ')}.`);
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      const needsKey = NEEDS_KEY.has(action as Action) || (action === 'verify' && values.decrypt === true);
      if (needsKey) await studio.identity.unlock(await readPassphrase(values, 'Passphrase of your identity: ', false));
      return await act(studio, action as Action, id, values, io);
    } finally {
      await studio.close();
    }
  },
};
