// The contract's calls implemented over the studio core; shared by the Electron and loopback transports; main process.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, resolve } from 'node:path';
import { formatEther } from 'ethers';
import type { Transport } from '../contract/bridge.js';
import { ConsentService } from '../core/capture/consent/service.js';
import { promptScript } from '../core/capture/progress.js';
import { finishRecording, recoverRecording } from '../core/capture/import-file.js';
import { chainPaths } from '../core/chain/embedded-chain.js';
import { LOCAL_NETWORK, NetworkError, displayUrl, txUrl } from '../core/chain/networks.js';
import type { ChainNetwork } from '../core/chain/networks.js';
import type { OutboxItem } from '../core/chain/outbox.js';
import type { PlannedTx, PublishResult } from '../core/chain/publish.js';
import { runDoctor } from '../core/doctor/checks.js';
import { decodeImage } from '../core/vision/tracker.js';
import { LikenessError } from '../contract/errors.js';
import { parseTrainInput } from '../core/ml/train/job.js';
import { listRecipes } from '../core/ml/train/recipe.js';
import { parseLicenceRequest } from '../core/ledger/licences.js';
import type { Studio } from '../core/studio.js';
import { parseRules } from '../core/twin/rules/schema.js';
import { summariseRules } from '../core/twin/rules/summary.js';
import { composeHandlers } from './compose-handlers.js';
import type { Handlers } from './dispatch.js';
import { APP_NAME, APP_VERSION } from './version.js';

/** About 20 minutes of 24 kHz speech or a few minutes of video: longer media go to a file, not through the bridge. */
const MAX_PLAYER_BYTES = 64 * 1024 * 1024;

/** File system refusals a creator can act on, as studio errors; anything else stays as it was. */
function fileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new LikenessError('forbidden', `The studio may not write or read ${path} (${code}).`);
  if (code === 'ENOSPC') return new LikenessError('disk-full', `There is no space left to write ${path}.`);
  if (code === 'EISDIR') return new LikenessError('invalid-input', `${path} is a folder, not a file.`);
  return error;
}

/**
 * Runs a registry call whose token must never come back: any error's message (and stack, which the dispatcher logs)
 * has the token cut out, whatever a registry or the fetch layer put in it.
 */
async function withoutToken<T>(token: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!token) throw error;
    const scrub = (text: string) => text.split(token).join('[token]');
    if (error instanceof LikenessError) {
      throw new LikenessError(error.code, scrub(error.message), error.issues?.map((i) => ({ path: i.path, message: scrub(i.message) })));
    }
    if (error instanceof Error) {
      const clean = new Error(scrub(error.message));
      clean.name = error.name;
      throw clean;
    }
    // No cause on purpose: the original error is what may carry the token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error('The registry call failed.');
  }
}

/** Whether the studio's local chain runs now, read from anvil's PID file: asking must never start it. */
function localChainRunning(home: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(chainPaths(home).pid, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process is there, only not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A network for the UI: the RPC URL cut to its origin, since hosted ones carry their API key in it. */
function networkInfo(network: ChainNetwork, running: boolean | null) {
  return {
    id: network.id,
    name: network.name,
    rpcUrl: network.rpcUrl === '' ? null : displayUrl(network.rpcUrl),
    chainId: network.chainId,
    explorer: network.explorer ?? null,
    local: network.local,
    running,
  };
}

/** An outbox entry for the UI: without its payload, with its explorer page where a network of that chain has one. */
function outboxEntry(item: OutboxItem, saved: readonly ChainNetwork[]) {
  const explorer = saved.find((n) => n.chainId === item.chainId && n.explorer !== undefined);
  return {
    id: item.id,
    kind: item.kind,
    chainId: item.chainId,
    registry: item.registry,
    twinId: item.twinId,
    tokenId: item.tokenId,
    state: item.state,
    txHash: item.txHash,
    txUrl: explorer && item.txHash ? (txUrl(explorer, item.txHash) ?? null) : null,
    error: item.error,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export function createHandlers(studio: Studio, transport: Transport): Handlers {
  const consent = new ConsentService(studio);
  /** A blob of the given type for a player, base64; longer media go to a file with the CLI instead. */
  const playable = async (digest: string, mediaType: string, instead: string): Promise<string> => {
    const info = studio.blobs.info(digest);
    if (!info) throw new LikenessError('not-found', `No ${mediaType} ${digest} in this studio.`);
    if (info.mediaType !== mediaType) throw new LikenessError('invalid-input', `${digest} is ${info.mediaType}, not ${mediaType}.`);
    if (info.size > MAX_PLAYER_BYTES) throw new LikenessError('payload-too-large', `This is too long for the player; export it with \`${instead}\`.`);
    return (await studio.blobs.read(digest)).toString('base64');
  };
  const entries = (items: readonly OutboxItem[]) => {
    const saved = studio.chain.savedNetworks();
    return items.map((item) => outboxEntry(item, saved));
  };
  const networkName = (id: string) => (id === LOCAL_NETWORK.id ? LOCAL_NETWORK.name : (studio.chain.savedNetworks().find((n) => n.id === id)?.name ?? id));
  const settledAndFailed = (result: PublishResult) => ({ settled: entries(result.settled), failed: entries(result.failed) });
  // Planning and publishing take turns: two at once could both find an entry queued and send it twice.
  let chainTurn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chainTurn.then(work);
    chainTurn = next.catch(() => undefined);
    return next;
  };
  return {
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      home: studio.home,
      platform: platform(),
      arch: arch(),
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      transport,
    }),
    'settings.get': () => studio.settings.get(),
    'settings.update': (patch) => {
      const next = studio.settings.update(patch);
      studio.events.emit('settings.changed', next);
      return next;
    },
    'doctor.run': () => runDoctor(),
    'store.stats': () => studio.storeStats(),
    'jobs.list': ({ limit }) => studio.jobs.list(limit),
    'jobs.start': ({ kind }) => studio.jobs.start(kind),
    'jobs.cancel': ({ id }) => studio.jobs.cancel(id),
    'jobs.resume': ({ id }) => studio.jobs.resume(id),
    'jobs.pause': ({ id }) => studio.jobs.pause(id),
    'jobs.history': ({ id }) => studio.jobs.history(id),
    'train.recipes': () =>
      listRecipes().map(({ name, title, description, defaultEpochs }) => ({ name, title, description, defaultEpochs })),
    'train.start': (options) => studio.jobs.start('train', parseTrainInput(options)),
    'capture.prompts': ({ language }) => promptScript(studio.takes, language),
    'capture.takes': (filter) => studio.takes.list(filter),
    'capture.delete': ({ id }) => studio.takes.delete(id),
    'capture.record.start': (meta) => ({ id: studio.recordings.start(meta).id }),
    'capture.record.chunk': ({ id, seq, data }) => studio.recordings.append(id, seq, Buffer.from(data, 'base64')),
    'capture.record.finish': ({ id }) => finishRecording(studio, id),
    'capture.interrupted': () =>
      studio.recordings.leftovers().map((l) => ({ id: l.id, kind: l.meta?.kind ?? null, language: l.meta?.language ?? null, promptId: l.meta?.promptId ?? null, bytes: l.bytes, modifiedAt: l.modifiedAt })),
    'capture.recover': ({ id }) => recoverRecording(studio, id),
    'vision.track': async ({ image }) => {
      let rgb;
      try {
        rgb = await decodeImage(Buffer.from(image, 'base64'));
      } catch (error) {
        throw new LikenessError('invalid-input', error instanceof Error ? error.message : 'the frame is not an image');
      }
      const faces = await (await studio.tracker()).detect(rgb);
      return { width: rgb.width, height: rgb.height, faces };
    },
    'consent.start': ({ language }) => consent.start(language),
    'voice.train': (options) => studio.jobs.start('voice.train', options),
    'voice.models': () => studio.voiceModels.list(),
    'voice.say': (options) => studio.jobs.start('voice.say', options),
    'voice.audio': async ({ digest }) => ({ wav: await playable(digest, 'audio/wav', 'likeness voice say -o file.wav') }),
    'face.train': (options) => studio.jobs.start('face.train', options),
    'face.models': () => studio.faceModels.list(),
    'face.render': (options) => studio.jobs.start('face.render', options),
    ...composeHandlers(studio, MAX_PLAYER_BYTES),
    'face.video': async ({ digest }) => ({ mp4: await playable(digest, 'video/mp4', 'likeness face render -o file.mp4') }),
    'consent.current': () => consent.current(),
    'consent.finish': ({ id, recordingId }) => consent.finish(id, recordingId),
    'consent.list': () => consent.list(),
    'capture.record.discard': ({ id }) => (studio.recordings.discard(id), {}),
    'identity.status': () => studio.identity.status(),
    'identity.create': ({ passphrase }) => studio.identity.create(passphrase),
    'identity.importMnemonic': ({ phrase, passphrase, replace }) => studio.identity.importMnemonic(phrase, passphrase, { replace }),
    'identity.importKeystore': ({ json, passphrase, replace }) => studio.identity.importKeystore(json, passphrase, { replace }),
    'identity.unlock': ({ passphrase, minutes }) => studio.identity.unlock(passphrase, minutes === undefined ? undefined : minutes * 60_000),
    'identity.lock': () => (studio.identity.lock(), studio.identity.status()),
    'identity.exportKeystore': () => ({ json: studio.identity.exportKeystore() }),
    'identity.revealWords': async ({ passphrase }) => ({ words: await studio.identity.revealMnemonic(passphrase) }),
    'identity.backupChallenge': () => studio.identity.backupChallenge(),
    'identity.confirmBackup': ({ answers, passphrase }) =>
      studio.identity.confirmBackup(Object.fromEntries(Object.entries(answers).map(([position, word]) => [Number(position), word])), passphrase),
    'twin.list': () => studio.twins.list(),
    'twin.inspect': ({ id }) => studio.twins.inspect(id),
    'twin.pack': ({ name, rules, voiceModel, faceModel, consent }) =>
      studio.twins.pack({ name, rules, ...(voiceModel ? { voiceModel } : {}), ...(faceModel ? { faceModel } : {}), ...(consent === undefined ? {} : { consent }) }),
    'twin.verify': async ({ id, decrypt }) => {
      const result = await studio.twins.verify(id, decrypt === true);
      return {
        ok: result.ok,
        problems: result.problems,
        decrypted: result.decrypted,
        rulesVersion: result.rules?.version ?? null,
        owner: result.twin?.descriptor.owner ?? null,
        manifestDigest: result.twin?.manifestDigest ?? null,
      };
    },
    'twin.grant': ({ id, publicKey }) => studio.twins.grant(id, publicKey),
    'twin.rules': ({ id, rules }) => studio.chain.publishRules(id, rules),
    'twin.rulesPreview': ({ rules }) => {
      const parsed = parseRules(rules);
      return parsed.ok ? { ok: true, errors: [], summary: summariseRules(parsed.rules) } : { ok: false, errors: parsed.errors, summary: [] };
    },
    'twin.rotate': ({ id, revoke }) => studio.twins.rotate(id, revoke),
    'twin.erase': ({ id }) => studio.twins.erase(id),
    'twin.export': async ({ id, path }) => {
      studio.twins.layoutDir(id);
      const out = resolve(path);
      if (existsSync(out)) throw new LikenessError('conflict', `${out} already exists: choose a new file name (the studio never overwrites a file).`);
      if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new LikenessError('not-found', `The folder ${dirname(out)} does not exist on the studio's computer.`);
      try {
        return { path: out, ...(await studio.twins.exportFile(id, out)) };
      } catch (error) {
        throw fileError(error, out);
      }
    },
    'twin.import': async ({ path }) => {
      const file = resolve(path);
      if (!existsSync(file)) throw new LikenessError('not-found', `${file} does not exist on the studio's computer.`);
      if (!statSync(file).isFile()) throw new LikenessError('invalid-input', `${file} is not a file: choose a twin exported as one file (.tar).`);
      try {
        return await studio.twins.importFile(file);
      } catch (error) {
        throw fileError(error, file);
      }
    },
    'twin.push': ({ id, registry, repository, tag, token }) =>
      withoutToken(token, () => studio.twins.push(id, { registry, repository, ...(tag ? { tag } : {}), ...(token ? { token } : {}) })),
    'twin.pull': ({ registry, repository, reference, token }) =>
      withoutToken(token, () => studio.twins.pull({ registry, repository, reference, ...(token ? { token } : {}) })),
    'twin.remove': ({ id }) => (studio.twins.remove(id), { id }),
    'chain.networks': () => [
      networkInfo({ ...LOCAL_NETWORK, rpcUrl: '', chainId: studio.chain.chainIdOf(LOCAL_NETWORK.id) }, localChainRunning(studio.home)),
      ...studio.chain.savedNetworks().map((n) => networkInfo(n, null)),
    ],
    'chain.addNetwork': (input) => {
      try {
        return networkInfo(studio.chain.saveNetwork(input), null);
      } catch (error) {
        if (error instanceof NetworkError) throw new LikenessError('invalid-input', error.message, [{ path: error.field === '' ? '(input)' : error.field, message: error.message }]);
        throw error;
      }
    },
    'chain.removeNetwork': ({ id }) => {
      if (id === LOCAL_NETWORK.id) throw new LikenessError('invalid-input', `The ${LOCAL_NETWORK.name} is built in; it cannot be removed.`);
      if (!studio.chain.savedNetworks().some((n) => n.id === id)) throw new LikenessError('not-found', `No network "${id}" to remove.`);
      studio.chain.removeNetwork(id);
      return { id };
    },
    'chain.status': async ({ networkId }) => {
      const status = await studio.chain.status(networkId);
      const { network } = status;
      return {
        network: networkInfo(network, network.local ? status.reachable : null),
        reachable: status.reachable,
        problem: status.problem ?? null,
        blockNumber: status.blockNumber ?? null,
        registry: status.registry,
        deployed: status.deployed,
        pending: entries(status.pending),
      };
    },
    'chain.mint': async ({ twinId, networkId }) => outboxEntry(await studio.chain.mint(twinId, networkId), studio.chain.savedNetworks()),
    'chain.outbox': ({ twinId }) => entries(studio.chain.outbox.list(twinId === undefined ? {} : { twinId })),
    'chain.plan': ({ networkId }) =>
      inTurn(async () => {
        let shown: readonly PlannedTx[] = [];
        const result = await studio.chain.publish(networkId, {
          confirm: (plan) => {
            shown = plan;
            return false;
          },
        });
        const total = shown.reduce((sum, p) => sum + p.feeWei, 0n);
        const saved = studio.chain.savedNetworks();
        return {
          network: { id: networkId, name: networkName(networkId) },
          transactions: shown.map((p) => ({
            item: outboxEntry(p.item, saved),
            description: p.description,
            gas: p.gas.toString(),
            feeWei: p.feeWei.toString(),
            feeEth: formatEther(p.feeWei),
          })),
          totalFeeWei: total.toString(),
          totalFeeEth: formatEther(total),
          ...settledAndFailed(result),
        };
      }),
    'chain.publish': ({ networkId, planned }) =>
      inTurn(async () => {
        let now = planned;
        const result = await studio.chain.publish(networkId, {
          confirm: (plan) => {
            now = plan.length;
            return plan.length === planned;
          },
        });
        if (!result.confirmed) {
          throw new LikenessError('conflict', `Nothing was sent: the queue changed (you reviewed ${planned} transaction${planned === 1 ? '' : 's'}, there are now ${now}); review again.`);
        }
        return { network: { id: networkId, name: networkName(networkId) }, sent: entries(result.sent), ...settledAndFailed(result) };
      }),
    'ledger.licences': ({ twinId }) => studio.ledger.listLicences(twinId === undefined ? {} : { twinId }),
    'ledger.evaluate': ({ twinId, request }) => studio.ledger.evaluate(request, twinId),
    'ledger.grant': ({ licenseHash, networkId, approvals }) => studio.ledger.grant(licenseHash, { networkId, ...(approvals ? { approvals } : {}) }),
    'ledger.revoke': ({ licenseHash, networkId }) => studio.ledger.revoke(licenseHash, networkId),
    'ledger.receipts': ({ twinId }) => studio.ledger.listReceipts(twinId === undefined ? {} : { twinId }),
    'ledger.anchor': ({ twinId, networkId }) => studio.ledger.anchor(twinId, networkId),
    'ledger.prove': ({ receiptId, networkId }) => studio.ledger.prove(receiptId, networkId),
    'ledger.verifyProof': ({ proof, networkId }) => studio.ledger.verifyProof(proof, networkId),
    // A locked identity is refused by the ledger's signer, as for a grant: the key never leaves the main process.
    'ledger.approve': ({ request, networkId, twinTokenId, epoch }) =>
      studio.ledger.approveAsValidator(request, { twinTokenId: twinTokenId ?? parseLicenceRequest(request).twin, networkId, ...(epoch === undefined ? {} : { epoch }) }),
    // Signed, paid and kept as this studio's identity: each is refused while it is locked, as a grant is.
    'ledger.request': ({ networkId, ...fields }) => studio.ledger.request({ ...fields, ...(networkId === undefined ? {} : { networkId }) }),
    'ledger.pay': ({ request, networkId, maxFeeWei }) => studio.ledger.payFee(request, networkId, maxFeeWei === undefined ? {} : { maxFeeWei: BigInt(maxFeeWei) }),
    'ledger.hold': ({ licence, twinId }) => studio.ledger.holdLicence(licence, twinId),
  };
}
