// Compiles contracts/LikenessRegistry.sol with the bundled solc-js into main/core/chain/artifacts/LikenessRegistry.json; run by `npm run contracts` (`--stdout` prints instead, for the artifact test).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// The bundled soljson only: the artifact must be reproducible offline, so no other compiler version is ever fetched.
const solc = require('solc');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACT_NAME = 'LikenessRegistry';
const SOURCE = `contracts/${CONTRACT_NAME}.sol`;
const OZ_PREFIX = '@openzeppelin/contracts/';
const OZ_DIR = dirname(require.resolve('@openzeppelin/contracts/package.json'));
const ARTIFACT_PATH = join(ROOT, 'main/core/chain/artifacts', `${CONTRACT_NAME}.json`);

// Cancun: what anvil runs (its default hardfork is later) and what mainnet and the major L2s have run since 2024; it
// gives the transient-storage reentrancy guard.
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
};

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** Only OpenZeppelin's files may be imported: anything else in the tree would silently change the bytecode. */
function readImport(path) {
  if (!path.startsWith(OZ_PREFIX)) return { error: `${path}: only ${OZ_PREFIX}* can be imported` };
  const file = resolve(OZ_DIR, path.slice(OZ_PREFIX.length));
  if (relative(OZ_DIR, file).startsWith(`..${sep}`)) return { error: `${path}: outside ${OZ_PREFIX}` };
  try {
    return { contents: readFileSync(file, 'utf8') };
  } catch (error) {
    return { error: `${path}: ${error.message}` };
  }
}

/** Sorted keys at every level, so the artifact is byte-identical for identical inputs. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  }
  return value;
}

function compileRegistry() {
  const input = {
    language: 'Solidity',
    sources: { [SOURCE]: { content: readFileSync(join(ROOT, SOURCE), 'utf8') } },
    settings: {
      ...SETTINGS,
      outputSelection: { [SOURCE]: { [CONTRACT_NAME]: ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const sources = new Map([[SOURCE, input.sources[SOURCE].content]]);
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (path) => {
        const result = readImport(path);
        if (result.contents !== undefined) sources.set(path, result.contents);
        return result;
      },
    }),
  );
  const diagnostics = output.errors ?? [];
  // OpenZeppelin's own notices (the transient-storage one its reentrancy guard triggers) are theirs to judge; ours show.
  const ours = (d) => !d.sourceLocation?.file.startsWith(OZ_PREFIX);
  for (const warning of diagnostics.filter((d) => d.severity !== 'error' && ours(d))) process.stderr.write(warning.formattedMessage);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);

  const contract = output.contracts[SOURCE][CONTRACT_NAME];
  const sourceHashes = {};
  // Only what the compiler actually read: an unused OpenZeppelin file may change without changing the artifact.
  for (const path of Object.keys(output.sources).sort()) sourceHashes[path] = sha256(sources.get(path));
  return {
    contractName: CONTRACT_NAME,
    compiler: solc.version(),
    settings: sortKeys(SETTINGS),
    sourceHashes,
    abi: sortKeys(contract.abi),
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
  };
}

function artifactText(artifact) {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

const artifact = compileRegistry();
const text = artifactText(artifact);
if (process.argv.includes('--stdout')) {
  process.stdout.write(text);
} else {
  mkdirSync(dirname(ARTIFACT_PATH), { recursive: true });
  // Written beside and renamed, so an interrupted run never leaves half an artifact for the app to import.
  const temp = `${ARTIFACT_PATH}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, ARTIFACT_PATH);
  const size = (artifact.deployedBytecode.length - 2) / 2;
  process.stdout.write(`${relative(ROOT, ARTIFACT_PATH)}: ${size} bytes of runtime code (limit 24576)\n`);
}
