// `likeness chain up|status|deploy|add`, `likeness mint` and `likeness publish`: minting the twin, offline first; CLI process.
import { formatEther } from 'ethers';
import { LOCAL_NETWORK } from '../core/chain/networks.js';
import type { PlannedTx } from '../core/chain/publish.js';
import { deployRegistry, registryAddress } from '../core/chain/deploy.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import type { Studio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { readPassphrase } from './passphrase.js';
import { type Io, untilStopSignal, UsageError, type Verb } from './verb.js';

const CHAIN_ACTIONS = ['up', 'status', 'deploy', 'add'] as const;

async function withStudio(values: Record<string, string | boolean | undefined>, io: Io, unlock: boolean, work: (studio: Studio) => Promise<number>): Promise<number> {
  const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
  try {
    if (unlock) await studio.identity.unlock(await readPassphrase(values, 'Passphrase of your identity: ', false));
    return await work(studio);
  } finally {
    await studio.close();
  }
}

const networkOf = (values: Record<string, string | boolean | undefined>) => (values.network as string | undefined) ?? LOCAL_NETWORK.id;

export function describePlan(plan: readonly PlannedTx[]): string[] {
  const total = plan.reduce((sum, p) => sum + p.feeWei, 0n);
  return [...plan.map((p) => `  ${p.description}: ${p.gas.toLocaleString('en')} gas, about ${formatEther(p.feeWei)} ETH`), `  in all about ${formatEther(total)} ETH`];
}

const COMMON_OPTIONS = {
  network: { type: 'string' },
  'passphrase-file': { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const chain: Verb = {
  summary: 'The chains the twin is minted on: run the private local chain, see its state, add a network',
  help: `Usage: likeness chain up [--home DIR]
       likeness chain status [--network ID] [--json]
       likeness chain deploy --network ID [--yes]
       likeness chain add --id ID --name NAME --rpc URL --chain-id N [--explorer URL_WITH_{tx}]

up       runs the private local chain (anvil on 127.0.0.1, its state in the data home) until Ctrl+C
status   whether the network answers, the registry's address (${registryAddress()} on every chain) and
         whether it is deployed there, and what is waiting to be published
deploy   deploys the registry with CREATE2 on a network of yours (your key pays; the local chain
         deploys it by itself)
add      remembers a network (any EVM RPC URL and its chain id)`,
  options: { ...COMMON_OPTIONS, yes: { type: 'boolean' }, id: { type: 'string' }, name: { type: 'string' }, rpc: { type: 'string' }, 'chain-id': { type: 'string' }, explorer: { type: 'string' } },
  positionals: ['action'],
  async run(values, io, positionals) {
    const [action] = positionals;
    if (!action || !(CHAIN_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${CHAIN_ACTIONS.join(', ')}.`);
    if (action === 'add') {
      return withStudio(values, io, false, async (studio) => {
        const network = studio.chain.saveNetwork({ id: values.id, name: values.name, rpcUrl: values.rpc, chainId: Number(values['chain-id']), ...(values.explorer ? { explorer: values.explorer } : {}) });
        io.out(`Added ${network.name} (${network.id}): chain ${network.chainId} at ${network.rpcUrl}.`);
        return EXIT.ok;
      });
    }
    if (action === 'up') {
      return withStudio(values, io, false, async (studio) => {
        const local = await studio.chain.localChain();
        io.out(`Local chain (private) at ${local.rpcUrl}, chain ${local.chainId}; registry ${registryAddress()}. Ctrl+C stops it (its state is kept).`);
        await Promise.race([untilStopSignal(), local.exited]);
        return EXIT.ok;
      });
    }
    if (action === 'deploy') {
      const networkId = networkOf(values);
      return withStudio(values, io, networkId !== LOCAL_NETWORK.id, async (studio) => {
        if (networkId === LOCAL_NETWORK.id) {
          await studio.chain.localChain();
          io.out(`The registry is deployed on the local chain at ${registryAddress()}.`);
          return EXIT.ok;
        }
        if (values.yes !== true) throw new UsageError('deploy sends a transaction your key pays for; run it again with --yes to confirm.');
        const { provider } = await studio.chain.reach(networkId);
        const deployed = await deployRegistry(studio.identity.signer().connect(provider));
        io.out(deployed.deployed ? `Deployed the registry at ${deployed.address} (${deployed.txHash}).` : `The registry is already at ${deployed.address}.`);
        return EXIT.ok;
      });
    }
    return withStudio(values, io, false, async (studio) => {
      const status = await studio.chain.status(networkOf(values));
      if (values.json) io.out(JSON.stringify(status, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      else {
        io.out(`${status.network.name}: ${status.reachable ? `reachable, block ${status.blockNumber}` : `not reachable (${status.problem})`}`);
        io.out(`  registry ${status.registry}: ${status.deployed ? 'deployed' : 'not deployed'}`);
        io.out(`  waiting to publish: ${status.pending.length === 0 ? 'nothing' : status.pending.map((p) => `${p.kind} ${p.twinId ?? ''} (${p.state})`).join(', ')}`);
      }
      return status.reachable ? EXIT.ok : EXIT.unavailable;
    });
  },
};

export const mint: Verb = {
  summary: 'Sign a mint voucher for a twin (works offline); `likeness publish` redeems it',
  help: `Usage: likeness mint TWIN_ID [--network ID] [--json]

Signs an EIP-712 voucher with your identity for the twin's manifest, rules and consent digests,
bound to the network's chain id and the registry's address, and queues it. Nothing is sent:
\`likeness publish\` redeems it when the network is reachable (default network: the local chain).
Only digests ever go on-chain.`,
  options: COMMON_OPTIONS,
  positionals: ['twin'],
  async run(values, io, positionals) {
    const [twinId] = positionals;
    if (!twinId) throw new UsageError('mint needs a twin id (see `likeness twin list`).');
    return withStudio(values, io, true, async (studio) => {
      const item = await studio.chain.mint(twinId, networkOf(values));
      if (values.json) io.out(JSON.stringify(item));
      else io.out(`Voucher ${item.id} signed for token ${item.tokenId} on chain ${item.chainId} (${item.state}); \`likeness publish\` sends it.`);
      return EXIT.ok;
    });
  },
};

export const publish: Verb = {
  summary: 'Send what is queued (mint vouchers) to a network, after showing the gas',
  help: `Usage: likeness publish [--network ID] [--yes] [--json]

Settles the queue against the chain first (a voucher already redeemed, a transaction mined or lost
while the studio was down), then shows each transaction with its gas estimate and fee and sends
them only with --yes. Safe to repeat: nothing is ever minted twice.`,
  options: { ...COMMON_OPTIONS, yes: { type: 'boolean' } },
  async run(values, io) {
    return withStudio(values, io, true, async (studio) => {
      const result = await studio.chain.publish(networkOf(values), {
        confirm: (plan) => {
          for (const line of describePlan(plan)) io.err(line);
          if (values.yes !== true) io.err('Nothing sent: run again with --yes to send these transactions.');
          return values.yes === true;
        },
        afterSend: (item, hash) => io.err(`Sent ${item.kind} ${item.id}: ${hash}; waiting for it to be mined.`),
      });
      const summary = { settled: result.settled.length, sent: result.sent.length, failed: result.failed.map((f) => ({ id: f.id, error: f.error })), confirmed: result.confirmed };
      if (values.json) io.out(JSON.stringify(summary));
      else {
        io.out(`Published: ${result.sent.length} sent, ${result.settled.length} found already done, ${result.failed.length} refused.`);
        for (const f of result.failed) io.out(`  ${f.id}: ${f.error}`);
      }
      return result.failed.length > 0 ? EXIT.failure : EXIT.ok;
    });
  },
};
