// The committed LikenessRegistry artifact is what the committed sources compile to (run `npm run contracts` after editing the .sol); test process.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REGISTRY_ABI, REGISTRY_BYTECODE } from '../../../main/core/chain/artifact.js';

const ARTIFACT = 'main/core/chain/artifacts/LikenessRegistry.json';

interface Artifact {
  contractName: string;
  compiler: string;
  settings: unknown;
  sourceHashes: Record<string, string>;
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
}

describe('LikenessRegistry artifact', () => {
  it('matches a fresh compile of the sources with the bundled solc-js', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/compile-contracts.mjs', '--stdout'], { maxBuffer: 64 * 1024 * 1024 });
    const committedText = readFileSync(ARTIFACT, 'utf8');
    const fresh = JSON.parse(stdout) as Artifact;
    const committed = JSON.parse(committedText) as Artifact;
    const stale = 'The committed artifact is stale: run `npm run contracts` and commit main/core/chain/artifacts/LikenessRegistry.json.';

    expect(committed.sourceHashes, stale).toEqual(fresh.sourceHashes);
    expect(committed.abi, stale).toEqual(fresh.abi);
    expect(committed.bytecode, stale).toBe(fresh.bytecode);
    expect(committed.deployedBytecode, stale).toBe(fresh.deployedBytecode);
    // Byte for byte, so regenerating without changes never shows up as a diff.
    expect(committedText, stale).toBe(stdout);

    expect(Object.keys(fresh.sourceHashes)).toContain('contracts/LikenessRegistry.sol');
    expect(Object.keys(fresh.sourceHashes).filter((path) => !path.startsWith('@openzeppelin/contracts/'))).toEqual(['contracts/LikenessRegistry.sol']);
    expect(fresh).toMatchObject({ contractName: 'LikenessRegistry', compiler: expect.stringMatching(/^0\.8\.30\+commit\./), settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 } } });
    expect(REGISTRY_ABI).toEqual(committed.abi);
    expect(REGISTRY_BYTECODE).toBe(committed.bytecode);
    // EIP-170: runtime code over 24,576 bytes cannot be deployed.
    expect((committed.deployedBytecode.length - 2) / 2).toBeLessThanOrEqual(24_576);
  }, 180_000);
});
