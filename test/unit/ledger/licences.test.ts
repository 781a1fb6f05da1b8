// Licence files as a creator and validators meet them: requests checked against the rules and fee, approvals signed with the registry's exact type and tallied, grants signed and verified.
import { TypedDataEncoder, Wallet, keccak256, toUtf8Bytes, verifyTypedData } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  type LicenceApprovalFile,
  type LicenceRequest,
  LedgerFileError,
  approvalSigner,
  checkFee,
  evaluateRequest,
  licenceHash,
  parseApprovalFile,
  parseGrant,
  parseLicenceRequest,
  signApproval,
  signGrant,
  tallyApprovals,
  verifyGrant,
} from '../../../main/core/ledger/licences.js';
import { canonicalJson } from '../../../main/core/twin/rules/canonical.js';
import { type TwinRules, defaultRules } from '../../../main/core/twin/rules/schema.js';
import { issuesOf } from '../../support/ledger-issues.js';

const owner = new Wallet('0x' + '11'.repeat(32));
const licensee = new Wallet('0x' + '22'.repeat(32));
const validators = [1, 2, 3].map((n) => new Wallet('0x' + String(30 + n).repeat(32)));
const outsider = new Wallet('0x' + '44'.repeat(32));
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const NOW = new Date('2026-06-01T00:00:00Z');

function request(overrides: Partial<LicenceRequest> = {}): LicenceRequest {
  return {
    schema: 'likeness.licence-request/v1',
    twin: `sha256:${'a'.repeat(64)}`,
    tokenId: '7',
    chainId: 31337,
    registry: REGISTRY,
    licensee: licensee.address,
    licenseePublicKey: licensee.signingKey.compressedPublicKey,
    purpose: 'education',
    languages: ['en', 'pt-BR'],
    term: { from: '2026-06-01T00:00:00Z', to: '2026-12-31T00:00:00Z' },
    maxRenders: 100,
    requestedAt: '2026-05-30T12:00:00Z',
    ...overrides,
  };
}

function rules(overrides: Partial<TwinRules> = {}): TwinRules {
  return { ...defaultRules(), languages: ['en', 'pt'], ...overrides };
}


describe('licence requests', () => {
  it('parse from their file text unchanged', () => {
    expect(parseLicenceRequest(JSON.stringify(request()))).toEqual(request());
    expect(parseLicenceRequest(request({ tokenId: null, chainId: null, registry: null })).tokenId).toBeNull();
  });

  it('hash as keccak256 of their canonical JSON, whatever the key order', () => {
    const expected = keccak256(toUtf8Bytes(canonicalJson(request())));
    expect(licenceHash(request())).toBe(expected);
    const reordered = Object.fromEntries(Object.entries(request()).reverse()) as unknown as LicenceRequest;
    expect(licenceHash(reordered)).toBe(expected);
    expect(licenceHash(request({ maxRenders: 101 }))).not.toBe(expected);
  });

  it('name each malformed field', () => {
    const bad = { ...request(), twin: 'sha256:abc', licensee: licensee.address.toLowerCase(), purpose: 'propaganda', languages: ['en', 'xx-'], term: { from: 'tomorrow' }, extra: 1 };
    const issues = issuesOf(() => parseLicenceRequest(bad));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^twin: expected a digest/),
        expect.stringMatching(/^licensee: expected a checksummed/),
        expect.stringMatching(/^purpose: "propaganda" is not a purpose; choose from personal/),
        expect.stringMatching(/^languages\.1: expected a BCP-47 language tag/),
        expect.stringMatching(/^term\.from: expected a UTC time/),
        expect.stringMatching(/^term\.to: missing/),
        expect.stringMatching(/^extra: "extra" is not a field of a licence request/),
      ]),
    );
    expect(issues).toHaveLength(7);
    expect(issuesOf(() => parseLicenceRequest('{"schema":'))).toEqual([expect.stringMatching(/^\(file\): not JSON/)]);
  });

  it("refuse a public key that is not the licensee's, half-set chain fields, and a repeated language", () => {
    expect(issuesOf(() => parseLicenceRequest(request({ licenseePublicKey: owner.signingKey.compressedPublicKey })))).toEqual([
      `licenseePublicKey: this public key is not the key of the licensee ${licensee.address}`,
    ]);
    expect(issuesOf(() => parseLicenceRequest(request({ chainId: null })))).toEqual(['tokenId: tokenId, chainId and registry are either all set (a minted twin) or all null']);
    expect(issuesOf(() => parseLicenceRequest(request({ languages: ['en', 'EN'] })))).toEqual(['languages.1: "EN" is listed twice']);
  });
});

describe('evaluateRequest', () => {
  it('allows a request within the rules', () => {
    expect(evaluateRequest(request(), rules(), NOW)).toEqual({ allowed: true, violations: [] });
  });

  it('refuses a purpose the rules do not allow, naming the rule', () => {
    const result = evaluateRequest(request({ purpose: 'advertising' }), rules(), NOW);
    expect(result.allowed).toBe(false);
    expect(result.violations).toEqual([{ rule: 'purpose', message: '"advertising" is not an allowed purpose; the rules allow personal, education' }]);
  });

  it('refuses a language the rules do not allow, naming it', () => {
    const result = evaluateRequest(request({ languages: ['en', 'de-AT'] }), rules(), NOW);
    expect(result.violations).toEqual([{ rule: 'language', message: '"de-AT" is not an allowed language; the rules allow en, pt' }]);
  });

  it('refuses a licence that would outlive the rules, even while the rules still hold', () => {
    const result = evaluateRequest(request(), rules({ expiresAt: '2026-09-01T00:00:00Z' }), NOW);
    expect(result.violations).toEqual([{ rule: 'expired', message: "the licence would run until 2026-12-31T00:00:00Z, past the rules' expiry at 2026-09-01T00:00:00Z" }]);
    expect(evaluateRequest(request(), rules({ expiresAt: '2027-01-01T00:00:00Z' }), NOW).allowed).toBe(true);
  });

  it('refuses a term that ends before it starts or is already over, and render counts out of range', () => {
    const backwards = evaluateRequest(request({ term: { from: '2026-12-31T00:00:00Z', to: '2026-07-01T00:00:00Z' } }), rules(), NOW);
    expect(backwards.violations.map((v) => v.rule)).toEqual(['licence-term']);
    const over = evaluateRequest(request({ term: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' } }), rules(), NOW);
    expect(over.violations).toEqual([{ rule: 'licence-term', message: 'the term ended at 2026-02-01T00:00:00Z, before now' }]);
    for (const maxRenders of [0, 1_000_001]) {
      expect(evaluateRequest(request({ maxRenders }), rules(), NOW).violations).toEqual([{ rule: 'max-renders', message: `maxRenders must be from 1 to 1,000,000, not ${maxRenders}` }]);
    }
    expect(evaluateRequest(request({ maxRenders: 1_000_000 }), rules(), NOW).allowed).toBe(true);
  });

  it('lists every rule broken at once', () => {
    const result = evaluateRequest(request({ purpose: 'news', languages: ['fr'], maxRenders: 0 }), rules({ expiresAt: '2026-07-01T00:00:00Z' }), NOW);
    expect(result.violations.map((v) => v.rule)).toEqual(['purpose', 'language', 'expired', 'max-renders']);
  });
});

describe('checkFee', () => {
  const withFee = rules({ licenceFee: { amountWei: '50000000000000000', currency: 'ETH' } });

  it('names the fee asked and the amount offered', () => {
    expect(checkFee(withFee, 10_000_000_000_000_000n)).toEqual({ ok: false, requiredWei: 50_000_000_000_000_000n, message: 'the rules ask 0.05 ETH; 0.01 ETH was offered' });
    expect(checkFee(withFee, 1_000_000_000_000_000_000n)).toMatchObject({ ok: true, message: 'the rules ask 0.05 ETH; 1 ETH was offered' });
    expect(checkFee(withFee, 50_000_000_000_000_000n).ok).toBe(true);
  });

  it('asks nothing when the rules set no fee, and refuses a negative offer', () => {
    expect(checkFee(rules(), 0n)).toEqual({ ok: true, requiredWei: 0n, message: 'the rules ask no fee' });
    expect(() => checkFee(rules(), -1n)).toThrow(RangeError);
  });
});

describe('licence approvals', () => {
  const subject = { chainId: 31337, registry: REGISTRY, tokenId: '7', licenseHash: licenceHash(request()) };
  const approve = (signer: Wallet, epoch = 2) => signApproval(signer, { ...subject, epoch });
  const addresses = validators.map((v) => v.address);

  it("are signed with the registry contract's exact type and domain", async () => {
    const file = await approve(validators[0]!);
    const types = { LicenseApproval: [{ name: 'tokenId', type: 'uint256' }, { name: 'licenseHash', type: 'bytes32' }, { name: 'epoch', type: 'uint64' }] };
    expect(TypedDataEncoder.from(types).encodeType('LicenseApproval')).toBe('LicenseApproval(uint256 tokenId,bytes32 licenseHash,uint64 epoch)');
    const domain = { name: 'LikenessRegistry', version: '1', chainId: 31337, verifyingContract: REGISTRY };
    expect(verifyTypedData(domain, types, { tokenId: 7n, licenseHash: subject.licenseHash, epoch: 2n }, file.signature)).toBe(validators[0]!.address);
    expect(file).toMatchObject({ schema: 'likeness.licence-approval/v1', ...subject, epoch: 2, validator: validators[0]!.address });
    expect(approvalSigner(parseApprovalFile(JSON.stringify(file)))).toBe(validators[0]!.address);
  });

  it('bind the chain and registry: the same signature read for another registry names someone else', async () => {
    const file = await approve(validators[0]!);
    expect(approvalSigner({ ...file, chainId: 1 })).not.toBe(validators[0]!.address);
  });

  it('name each bad field of a malformed file', () => {
    const bad = { schema: 'likeness.licence-approval/v2', chainId: 0, registry: 'registry', tokenId: '07', licenseHash: '0x1234', epoch: -1, signature: '0xabcd', note: 'hi' };
    expect(issuesOf(() => parseApprovalFile(bad))).toEqual([
      'schema: expected "likeness.licence-approval/v1", not "likeness.licence-approval/v2"',
      'chainId: expected a positive chain id, not 0',
      'registry: expected a checksummed (EIP-55) Ethereum address, not "registry"',
      'tokenId: expected a whole number below 2^256 written in decimal digits, not "07"',
      'licenseHash: expected a hash: 0x and 64 lowercase hex digits, not "0x1234"',
      'epoch: expected a whole number, 0 or more, not -1',
      'validator: missing: expected a checksummed Ethereum address',
      'signature: expected a 65-byte signature: 0x and 130 hex digits, not "0xabcd"',
      'note: "note" is not a field of a licence approval',
    ]);
  });

  it('are refused before signing when a field is malformed', async () => {
    await expect(signApproval(validators[0]!, { ...subject, licenseHash: '0x12', epoch: 2 })).rejects.toThrow(LedgerFileError);
  });

  it('tally to M only when M distinct validators approve', async () => {
    const [first, second, third] = await Promise.all(validators.map((v) => approve(v)));
    const below = tallyApprovals([first!], addresses, 2, 2, subject);
    expect(below).toEqual({ count: 1, needed: 2, approvedBy: [validators[0]!.address], problems: [] });
    const reached = tallyApprovals([first!, second!], addresses, 2, 2, subject);
    expect(reached).toMatchObject({ count: 2, needed: 2, problems: [] });
    expect(tallyApprovals([first!, second!, third!], addresses.map((a) => a.toLowerCase()), 2, 2, subject).count).toBe(3);
  });

  it('count a validator once, and name every file ignored and why', async () => {
    const first = await approve(validators[0]!);
    const old = await approve(validators[1]!, 1);
    const stranger = await approve(outsider);
    const forged = { ...(await approve(outsider)), validator: validators[2]!.address };
    const elsewhere = await signApproval(validators[2]!, { ...subject, tokenId: '8', epoch: 2 });
    const files: LicenceApprovalFile[] = [first, first, old, stranger, forged, elsewhere];
    const tally = tallyApprovals(files, addresses, 2, 2, subject);
    expect(tally.count).toBe(1);
    expect(tally.approvedBy).toEqual([validators[0]!.address]);
    expect(tally.problems).toEqual([
      `approval 2 (from ${validators[0]!.address}): ${validators[0]!.address} has already approved; counted once`,
      `approval 3 (from ${validators[1]!.address}) is for epoch 1, not the current epoch 2: ignored`,
      `approval 4 (from ${outsider.address}): ${outsider.address} is not one of the twin's validators: ignored`,
      `approval 5 (from ${validators[2]!.address}) was signed by ${outsider.address}, not by the validator it names: ignored`,
      `approval 6 (from ${validators[2]!.address}) is for another licence (tokenId 8): ignored`,
    ]);
  });
});

describe('licence grants', () => {
  const GRANTED = new Date('2026-06-01T10:00:00Z');

  it("are the owner's signature over the licence hash, licensee and end of term", async () => {
    const grant = await signGrant(owner, request(), GRANTED);
    expect(grant).toMatchObject({ schema: 'likeness.licence/v1', licenseHash: licenceHash(request()), grantedAt: '2026-06-01T10:00:00.000Z', creator: owner.address });
    const types = { Licence: [{ name: 'licenseHash', type: 'bytes32' }, { name: 'licensee', type: 'address' }, { name: 'validUntil', type: 'string' }] };
    expect(TypedDataEncoder.from(types).encodeType('Licence')).toBe('Licence(bytes32 licenseHash,address licensee,string validUntil)');
    const value = { licenseHash: grant.licenseHash, licensee: licensee.address, validUntil: '2026-12-31T00:00:00Z' };
    expect(verifyTypedData({ name: 'Likeness Studio', version: '1' }, types, value, grant.signature)).toBe(owner.address);
    expect(verifyGrant(parseGrant(JSON.stringify(grant)), owner.address)).toEqual({ ok: true, recovered: owner.address, message: `granted by the twin's owner ${owner.address}` });
  });

  it("fail for someone other than the twin's owner, or a request changed after signing", async () => {
    const grant = await signGrant(outsider, request(), GRANTED);
    expect(verifyGrant(grant, owner.address)).toMatchObject({ ok: false, message: `granted by ${outsider.address}, but the twin's owner is ${owner.address}` });
    const real = await signGrant(owner, request(), GRANTED);
    const widened = { ...real, request: request({ maxRenders: 100_000 }) };
    expect(verifyGrant(widened, owner.address)).toMatchObject({ ok: false, message: expect.stringMatching(/is not the hash of its request/) });
    const relabelled = { ...real, creator: outsider.address };
    expect(verifyGrant(relabelled, owner.address).ok).toBe(false);
    expect(verifyGrant({ ...real, signature: '0x1234' }, owner.address)).toMatchObject({ ok: false, message: expect.stringMatching(/malformed/) });
  });

  it('parse strictly, naming problems inside the request too', async () => {
    const grant = await signGrant(owner, request(), GRANTED);
    expect(issuesOf(() => parseGrant({ ...grant, request: { ...grant.request, maxRenders: 'lots' }, grantedAt: 'now' }))).toEqual([
      'request.maxRenders: expected a whole number of renders, not "lots"',
      'grantedAt: expected a UTC time such as "2027-03-01T00:00:00Z", not "now"',
    ]);
  });
});
