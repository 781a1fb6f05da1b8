// On-chain registry of likeness twins (locked ERC-721), their rules, validators, licences and anchored usage receipts; runs on the EVM, compiled by scripts/compile-contracts.mjs.
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title ERC-5192: minimal soulbound NFTs
interface IERC5192 {
    /// @notice Emitted when the locking status is changed to locked.
    event Locked(uint256 tokenId);

    /// @notice Emitted when the locking status is changed to unlocked.
    event Unlocked(uint256 tokenId);

    /// @notice Returns the locking status of a token; reverts for tokens that do not exist.
    function locked(uint256 tokenId) external view returns (bool);
}

/// @title Likeness Twin registry
/// @notice One locked token per sealed twin manifest, held by the person whose likeness it is. Only digests are
/// stored: the manifest, the current rules and the consent take never leave the creator's machine.
contract LikenessRegistry is ERC721, EIP712, IERC4906, IERC5192, ReentrancyGuardTransient {
    struct MintVoucher {
        address creator;
        bytes32 manifestDigest;
        bytes32 rulesDigest;
        bytes32 consentDigest;
        uint256 nonce;
        uint256 deadline;
    }

    struct RulesUpdate {
        uint256 tokenId;
        bytes32 rulesDigest;
        uint64 version;
        uint256 deadline;
    }

    struct LicenseApproval {
        uint256 tokenId;
        bytes32 licenseHash;
        uint64 epoch;
    }

    /// The manifest digest is the token id and the creator is the owner (tokens never move), so neither is stored twice.
    struct Twin {
        bytes32 rulesDigest;
        bytes32 consentDigest;
        uint64 createdAt;
        uint64 rulesVersion;
        // Kept after burn so a burned manifest cannot be minted again and revive the licences recorded under its id.
        bool burned;
    }

    struct ValidatorSet {
        address[] members;
        uint8 threshold;
        uint64 epoch;
    }

    /// A membership is only valid while its epoch is the token's current one, so a new set needs no clean-up of the old.
    struct Membership {
        uint64 epoch;
        uint8 index;
    }

    struct License {
        // The requester; zero for a free licence approved without a request.
        address licensee;
        uint64 epoch;
        uint8 approvals;
        bool approved;
        bool revoked;
        uint256 escrow;
        // Bit i set: the validator at index i of the set of `epoch` approved.
        uint256 approvalBits;
    }

    struct Anchor {
        uint256 tokenId;
        uint64 time;
    }

    bytes32 private constant MINT_VOUCHER_TYPEHASH = keccak256(
        "MintVoucher(address creator,bytes32 manifestDigest,bytes32 rulesDigest,bytes32 consentDigest,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant RULES_UPDATE_TYPEHASH =
        keccak256("RulesUpdate(uint256 tokenId,bytes32 rulesDigest,uint64 version,uint256 deadline)");
    bytes32 private constant LICENSE_APPROVAL_TYPEHASH =
        keccak256("LicenseApproval(uint256 tokenId,bytes32 licenseHash,uint64 epoch)");

    /// The approval count and the bitmap of who approved are 8 and 256 bits wide.
    uint256 private constant MAX_VALIDATORS = 255;
    /// A recipient may not make the payer's transaction do unbounded work; what it cannot take is credited instead.
    uint256 private constant PAYMENT_GAS = 50_000;

    mapping(uint256 tokenId => Twin) private _twins;
    // Bitmaps of 256 nonces per word: sequential nonces share a slot, which keeps redeem cheap.
    mapping(address creator => mapping(uint256 word => uint256 bits)) private _usedNonces;
    mapping(uint256 tokenId => ValidatorSet) private _validatorSets;
    mapping(uint256 tokenId => mapping(address validator => Membership)) private _memberships;
    mapping(uint256 tokenId => uint256 feeWei) private _licenseFees;
    mapping(uint256 tokenId => mapping(bytes32 licenseHash => License)) private _licenses;
    // Approved, unrevoked licences per licensee: a licensee may hold several on one token.
    mapping(uint256 tokenId => mapping(address licensee => uint256 count)) private _activeLicenses;
    mapping(bytes32 merkleRoot => Anchor) private _anchors;
    mapping(address account => uint256 amountWei) private _pendingPayments;

    event TwinMinted(
        uint256 indexed tokenId, address indexed creator, bytes32 manifestDigest, bytes32 rulesDigest, bytes32 consentDigest
    );
    event RulesUpdated(uint256 indexed tokenId, bytes32 rulesDigest, uint64 version);
    event ValidatorsSet(uint256 indexed tokenId, address[] validators, uint8 threshold, uint64 epoch);
    event LicenseFeeSet(uint256 indexed tokenId, uint256 feeWei);
    event LicenseRequested(uint256 indexed tokenId, bytes32 indexed licenseHash, address indexed licensee, uint256 fee);
    event LicenseRequestCancelled(
        uint256 indexed tokenId, bytes32 indexed licenseHash, address indexed licensee, uint256 refund
    );
    event LicenseApproved(uint256 indexed tokenId, bytes32 indexed licenseHash, uint64 epoch);
    event LicenseRevoked(uint256 indexed tokenId, bytes32 indexed licenseHash, uint256 refund);
    event ReceiptsAnchored(
        uint256 indexed tokenId, bytes32 indexed merkleRoot, uint32 count, uint64 fromTime, uint64 toTime, address anchorer
    );
    event PaymentDeferred(address indexed recipient, uint256 amountWei);

    error VoucherExpired();
    error NonceUsed();
    error BadSignature();
    error AlreadyMinted(uint256 tokenId);
    error Soulbound();
    error NotCreator();
    error StaleRulesVersion();
    error ZeroValidator();
    error DuplicateValidator(address validator);
    error TooManyValidators(uint256 count);
    error BadThreshold(uint8 threshold, uint256 validators);
    error WrongFee(uint256 expected, uint256 sent);
    error AlreadyRequested();
    error NotRequested();
    error AlreadyApproved();
    error Revoked();
    error NotValidator(address account);
    error DuplicateApproval(address validator);
    error NotLicensee();
    error BadTimeRange();
    error AlreadyAnchored(bytes32 merkleRoot);
    error NothingToWithdraw();

    constructor() ERC721("Likeness Twin", "TWIN") EIP712("LikenessRegistry", "1") {}

    // ---------------------------------------------------------------- minting

    /// @notice Mints the twin a creator signed a voucher for; anyone may relay it, the token always goes to the creator.
    /// @dev The token id is the manifest digest, so whether a redeem already landed can be read before sending it again.
    /// @param voucher The creator's EIP-712 MintVoucher.
    /// @param signature The creator's 65-byte signature over the voucher (low-s only).
    /// @return tokenId uint256(voucher.manifestDigest).
    function redeem(MintVoucher calldata voucher, bytes calldata signature) external returns (uint256 tokenId) {
        if (block.timestamp > voucher.deadline) revert VoucherExpired();
        uint256 word = voucher.nonce >> 8;
        uint256 bit = 1 << (voucher.nonce & 0xff);
        uint256 used = _usedNonces[voucher.creator][word];
        if (used & bit != 0) revert NonceUsed();
        bytes32 structHash = keccak256(
            abi.encode(
                MINT_VOUCHER_TYPEHASH,
                voucher.creator,
                voucher.manifestDigest,
                voucher.rulesDigest,
                voucher.consentDigest,
                voucher.nonce,
                voucher.deadline
            )
        );
        _requireSigner(structHash, signature, voucher.creator);
        tokenId = uint256(voucher.manifestDigest);
        Twin storage record = _twins[tokenId];
        if (_ownerOf(tokenId) != address(0) || record.burned) revert AlreadyMinted(tokenId);

        _usedNonces[voucher.creator][word] = used | bit;
        record.rulesDigest = voucher.rulesDigest;
        record.consentDigest = voucher.consentDigest;
        record.createdAt = uint64(block.timestamp);
        record.rulesVersion = 1;
        _mint(voucher.creator, tokenId);
        emit Locked(tokenId);
        emit TwinMinted(tokenId, voucher.creator, voucher.manifestDigest, voucher.rulesDigest, voucher.consentDigest);
    }

    /// @notice Whether `creator` has already used `nonce` in a redeemed voucher.
    function nonceUsed(address creator, uint256 nonce) external view returns (bool) {
        return _usedNonces[creator][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @notice Destroys a twin; only its creator may. Its manifest can never be minted again.
    function burn(uint256 tokenId) external {
        _onlyCreator(tokenId);
        _burn(tokenId);
        delete _twins[tokenId];
        _twins[tokenId].burned = true;
        delete _licenseFees[tokenId];
    }

    /// @notice The digests and dates recorded for a twin; reverts for tokens that do not exist.
    function twin(uint256 tokenId)
        external
        view
        returns (
            address creator,
            bytes32 manifestDigest,
            bytes32 rulesDigest,
            bytes32 consentDigest,
            uint64 createdAt,
            uint64 rulesVersion
        )
    {
        creator = _requireOwned(tokenId);
        Twin storage record = _twins[tokenId];
        return (creator, bytes32(tokenId), record.rulesDigest, record.consentDigest, record.createdAt, record.rulesVersion);
    }

    // ---------------------------------------------------------------- locking (ERC-5192)

    /// @notice Always true for an existing twin: a likeness is licensed, never sold.
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @dev Only mint (from zero) and burn (to zero) pass; every transfer path of ERC-721 ends here.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (to != address(0) && _ownerOf(tokenId) != address(0)) revert Soulbound();
        return super._update(to, tokenId, auth);
    }

    /// @dev Approvals could only ever enable a transfer, so they are refused; the silent clear on burn still passes.
    function _approve(address to, uint256 tokenId, address auth, bool emitEvent) internal override {
        if (emitEvent) revert Soulbound();
        super._approve(to, tokenId, auth, emitEvent);
    }

    function _setApprovalForAll(address, address, bool) internal pure override {
        revert Soulbound();
    }

    /// @notice ERC-165, including ERC-5192 (0xb45a3c0e) and ERC-4906 (0x49064906).
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IERC5192).interfaceId || interfaceId == bytes4(0x49064906)
            || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- rules

    /// @notice Replaces the rules digest of the caller's twin and bumps its rules version.
    function updateRules(uint256 tokenId, bytes32 rulesDigest) external {
        _onlyCreator(tokenId);
        _setRules(tokenId, rulesDigest);
    }

    /// @notice Applies a rules update the creator signed; anyone may relay it.
    /// @dev `version` must be the next one, which also makes every signed update usable once.
    function updateRulesBySig(RulesUpdate calldata update, bytes calldata signature) external {
        address creator = _requireOwned(update.tokenId);
        if (block.timestamp > update.deadline) revert VoucherExpired();
        if (update.version != _twins[update.tokenId].rulesVersion + 1) revert StaleRulesVersion();
        bytes32 structHash = keccak256(
            abi.encode(RULES_UPDATE_TYPEHASH, update.tokenId, update.rulesDigest, update.version, update.deadline)
        );
        _requireSigner(structHash, signature, creator);
        _setRules(update.tokenId, update.rulesDigest);
    }

    // ---------------------------------------------------------------- validators and fees

    /// @notice Names the validators of a twin and how many of them must approve a licence; replaces the previous set.
    /// @dev Starts a new epoch: approvals collected under the previous set stop counting.
    /// @param newValidators Distinct, non-zero addresses (at most 255); empty to leave approval to the creator alone.
    /// @param threshold 1..newValidators.length, or 0 with an empty set.
    function setValidators(uint256 tokenId, address[] calldata newValidators, uint8 threshold) external {
        _onlyCreator(tokenId);
        uint256 count = newValidators.length;
        if (count > MAX_VALIDATORS) revert TooManyValidators(count);
        if (threshold > count || (threshold == 0) != (count == 0)) revert BadThreshold(threshold, count);
        ValidatorSet storage set = _validatorSets[tokenId];
        uint64 epoch = set.epoch + 1;
        mapping(address => Membership) storage memberships = _memberships[tokenId];
        for (uint256 i; i < count; ++i) {
            address validator = newValidators[i];
            if (validator == address(0)) revert ZeroValidator();
            if (memberships[validator].epoch == epoch) revert DuplicateValidator(validator);
            memberships[validator] = Membership(epoch, uint8(i));
        }
        set.members = newValidators;
        set.threshold = threshold;
        set.epoch = epoch;
        emit ValidatorsSet(tokenId, newValidators, threshold, epoch);
    }

    /// @notice The current validators of a twin, the approvals a licence needs, and the epoch approvals count in.
    function validators(uint256 tokenId) external view returns (address[] memory members, uint8 threshold, uint64 epoch) {
        ValidatorSet storage set = _validatorSets[tokenId];
        return (set.members, set.threshold, set.epoch);
    }

    /// @notice Sets the fee, in wei, that a licence request on this twin must pay; 0 for free licences.
    function setLicenseFee(uint256 tokenId, uint256 feeWei) external {
        _onlyCreator(tokenId);
        _licenseFees[tokenId] = feeWei;
        emit LicenseFeeSet(tokenId, feeWei);
    }

    /// @notice The current licence fee of a twin, in wei.
    function licenseFee(uint256 tokenId) external view returns (uint256) {
        return _licenseFees[tokenId];
    }

    // ---------------------------------------------------------------- licences

    /// @notice Requests a licence, paying exactly the current fee into escrow until the licence is approved or revoked.
    /// @dev The caller becomes the licensee, the one who may anchor receipts once it is approved; approvers check it
    /// against the licence document `licenseHash` names. A free licence approved without a request has no licensee.
    function requestLicense(uint256 tokenId, bytes32 licenseHash) external payable {
        _requireOwned(tokenId);
        License storage license = _licenses[tokenId][licenseHash];
        if (license.revoked) revert Revoked();
        if (license.approved) revert AlreadyApproved();
        if (license.licensee != address(0)) revert AlreadyRequested();
        uint256 fee = _licenseFees[tokenId];
        if (msg.value != fee) revert WrongFee(fee, msg.value);
        license.licensee = msg.sender;
        if (fee != 0) license.escrow = fee;
        emit LicenseRequested(tokenId, licenseHash, msg.sender, fee);
    }

    /// @notice Withdraws an unapproved request and refunds its escrow; only the requester may. Works after a burn too.
    function cancelLicenseRequest(uint256 tokenId, bytes32 licenseHash) external nonReentrant {
        License storage license = _licenses[tokenId][licenseHash];
        if (license.licensee != msg.sender) revert NotLicensee();
        if (license.revoked) revert Revoked();
        if (license.approved) revert AlreadyApproved();
        uint256 refund = license.escrow;
        delete _licenses[tokenId][licenseHash];
        emit LicenseRequestCancelled(tokenId, licenseHash, msg.sender, refund);
        if (refund != 0) _pay(msg.sender, refund);
    }

    /// @notice Approves a licence as the creator (which alone suffices) or as a validator of the current epoch.
    /// @dev Reaching the threshold approves the licence and pays its escrowed fee to the creator.
    function approveLicense(uint256 tokenId, bytes32 licenseHash) external nonReentrant {
        (address creator, License storage license) = _approvable(tokenId, licenseHash);
        ValidatorSet storage set = _validatorSets[tokenId];
        if (msg.sender == creator) {
            _grant(tokenId, licenseHash, creator, license, set.epoch);
            return;
        }
        _resetIfStale(license, set.epoch);
        _count(tokenId, license, set.epoch, msg.sender);
        if (license.approvals >= set.threshold) _grant(tokenId, licenseHash, creator, license, set.epoch);
    }

    /// @notice Counts EIP-712 LicenseApproval signatures of distinct current validators (or of the creator); anyone
    /// may relay them.
    /// @param signatures One per validator, each over LicenseApproval(tokenId, licenseHash, current epoch).
    function approveLicenseWithSignatures(uint256 tokenId, bytes32 licenseHash, bytes[] calldata signatures)
        external
        nonReentrant
    {
        (address creator, License storage license) = _approvable(tokenId, licenseHash);
        ValidatorSet storage set = _validatorSets[tokenId];
        uint64 epoch = set.epoch;
        _resetIfStale(license, epoch);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(LICENSE_APPROVAL_TYPEHASH, tokenId, licenseHash, epoch)));
        bool byCreator;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = _recover(digest, signatures[i]);
            if (signer != creator) {
                _count(tokenId, license, epoch, signer);
            } else if (byCreator) {
                revert DuplicateApproval(signer);
            } else {
                byCreator = true;
            }
        }
        if (byCreator || (set.threshold != 0 && license.approvals >= set.threshold)) {
            _grant(tokenId, licenseHash, creator, license, epoch);
        }
    }

    /// @notice Revokes a licence; only the creator may. An unapproved request gets its escrow back.
    function revokeLicense(uint256 tokenId, bytes32 licenseHash) external nonReentrant {
        _onlyCreator(tokenId);
        License storage license = _licenses[tokenId][licenseHash];
        if (license.revoked) revert Revoked();
        license.revoked = true;
        address licensee = license.licensee;
        uint256 refund;
        if (license.approved) {
            if (licensee != address(0)) _activeLicenses[tokenId][licensee] -= 1;
        } else {
            refund = license.escrow;
            license.escrow = 0;
        }
        emit LicenseRevoked(tokenId, licenseHash, refund);
        if (refund != 0) _pay(licensee, refund);
    }

    /// @notice Where a licence stands. `approvals` counts only approvals of the current validator epoch.
    function licenseStatus(uint256 tokenId, bytes32 licenseHash)
        external
        view
        returns (bool requested, bool approved, bool revoked, uint8 approvals, address licensee, uint256 escrow)
    {
        License storage license = _licenses[tokenId][licenseHash];
        uint8 current = license.epoch == _validatorSets[tokenId].epoch ? license.approvals : 0;
        return (license.licensee != address(0), license.approved, license.revoked, current, license.licensee, license.escrow);
    }

    /// @notice Wei owed to `account` from payments its address refused; see withdraw.
    function pendingPayment(address account) external view returns (uint256) {
        return _pendingPayments[account];
    }

    /// @notice Sends the caller what a refused fee payment or refund credited to it.
    function withdraw() external nonReentrant {
        uint256 amount = _pendingPayments[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        _pendingPayments[msg.sender] = 0;
        Address.sendValue(payable(msg.sender), amount);
    }

    // ---------------------------------------------------------------- usage receipts

    /// @notice Anchors the Merkle root of a batch of usage receipts; by the creator or a holder of an approved,
    /// unrevoked licence on the twin.
    /// @param merkleRoot Root of an OpenZeppelin StandardMerkleTree-style tree (sorted pairs, double-hashed leaves).
    /// @param fromTime Unix seconds of the first receipt in the batch; `toTime` of the last.
    function anchorReceipts(uint256 tokenId, bytes32 merkleRoot, uint32 count, uint64 fromTime, uint64 toTime) external {
        address creator = _requireOwned(tokenId);
        if (msg.sender != creator && _activeLicenses[tokenId][msg.sender] == 0) revert NotLicensee();
        if (fromTime > toTime) revert BadTimeRange();
        Anchor storage anchor = _anchors[merkleRoot];
        if (anchor.time != 0) revert AlreadyAnchored(merkleRoot);
        anchor.tokenId = tokenId;
        anchor.time = uint64(block.timestamp);
        emit ReceiptsAnchored(tokenId, merkleRoot, count, fromTime, toTime, msg.sender);
    }

    /// @notice The twin a root was anchored for and the block time it was anchored at; (0, 0) if never.
    function anchoredAt(bytes32 root) external view returns (uint256 tokenId, uint64 time) {
        Anchor storage anchor = _anchors[root];
        return (anchor.tokenId, anchor.time);
    }

    /// @notice True when `root` is anchored and `proof` proves `leaf` (the double-hashed receipt) under it.
    function verifyReceipt(bytes32 root, bytes32[] calldata proof, bytes32 leaf) external view returns (bool) {
        return _anchors[root].time != 0 && MerkleProof.verifyCalldata(proof, root, leaf);
    }

    // ---------------------------------------------------------------- internals

    function _onlyCreator(uint256 tokenId) private view {
        if (_requireOwned(tokenId) != msg.sender) revert NotCreator();
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        ECDSA.RecoverError failure;
        (signer, failure,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (failure != ECDSA.RecoverError.NoError) revert BadSignature();
    }

    function _requireSigner(bytes32 structHash, bytes calldata signature, address expected) private view {
        if (_recover(_hashTypedDataV4(structHash), signature) != expected) revert BadSignature();
    }

    function _setRules(uint256 tokenId, bytes32 rulesDigest) private {
        Twin storage record = _twins[tokenId];
        uint64 version = record.rulesVersion + 1;
        record.rulesDigest = rulesDigest;
        record.rulesVersion = version;
        emit RulesUpdated(tokenId, rulesDigest, version);
        emit MetadataUpdate(tokenId);
    }

    function _approvable(uint256 tokenId, bytes32 licenseHash)
        private
        view
        returns (address creator, License storage license)
    {
        creator = _requireOwned(tokenId);
        license = _licenses[tokenId][licenseHash];
        if (license.revoked) revert Revoked();
        if (license.approved) revert AlreadyApproved();
        // Free licences need no request transaction; paid ones must have their fee in escrow first.
        if (license.licensee == address(0) && _licenseFees[tokenId] != 0) revert NotRequested();
    }

    function _resetIfStale(License storage license, uint64 epoch) private {
        if (license.epoch != epoch) {
            license.epoch = epoch;
            license.approvals = 0;
            license.approvalBits = 0;
        }
    }

    function _count(uint256 tokenId, License storage license, uint64 epoch, address validator) private {
        Membership storage membership = _memberships[tokenId][validator];
        if (epoch == 0 || membership.epoch != epoch) revert NotValidator(validator);
        uint256 bit = 1 << membership.index;
        if (license.approvalBits & bit != 0) revert DuplicateApproval(validator);
        license.approvalBits |= bit;
        license.approvals += 1;
    }

    function _grant(uint256 tokenId, bytes32 licenseHash, address creator, License storage license, uint64 epoch)
        private
    {
        license.approved = true;
        uint256 fee = license.escrow;
        license.escrow = 0;
        address licensee = license.licensee;
        if (licensee != address(0)) _activeLicenses[tokenId][licensee] += 1;
        emit LicenseApproved(tokenId, licenseHash, epoch);
        if (fee != 0) _pay(creator, fee);
    }

    /// @dev A recipient that reverts or runs out of gas must not block approvals or revocations: it is credited instead.
    function _pay(address recipient, uint256 amount) private {
        bool sent;
        // Assembly, so that a recipient returning a huge payload cannot make this copy it into memory.
        assembly ("memory-safe") {
            sent := call(PAYMENT_GAS, recipient, amount, 0, 0, 0, 0)
        }
        if (!sent) {
            _pendingPayments[recipient] += amount;
            emit PaymentDeferred(recipient, amount);
        }
    }
}
