// The chain outbox: every transaction the studio means to send, stored before it is sent and settled only against
// the chain itself, so a crash or a dead RPC loses nothing and a retry never does anything twice; main process.
import { randomBytes } from 'node:crypto';
import { CHAIN_OUTBOX_KINDS } from '../../contract/models.js';
import type { Db } from '../store/database.js';

export const OUTBOX_KINDS = CHAIN_OUTBOX_KINDS;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** queued: signed, not sent; sent: a transaction hash exists, not yet seen mined; done: the chain shows the effect; failed: the chain refused it. */
export type OutboxState = 'queued' | 'sent' | 'done' | 'failed';

export interface OutboxItem {
  id: string;
  kind: OutboxKind;
  chainId: number;
  registry: string;
  twinId: string | null;
  tokenId: string | null;
  /** What to send, as signed offline (a voucher, a rules update, a Merkle root…). */
  payload: unknown;
  state: OutboxState;
  txHash: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  kind: string;
  chain_id: number;
  registry: string;
  twin_id: string | null;
  token_id: string | null;
  payload: string;
  state: string;
  tx_hash: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

function toItem(row: Row): OutboxItem {
  return {
    id: row.id,
    kind: row.kind as OutboxKind,
    chainId: row.chain_id,
    registry: row.registry,
    twinId: row.twin_id,
    tokenId: row.token_id,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state as OutboxState,
    txHash: row.tx_hash,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class ChainOutbox {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(item: Pick<OutboxItem, 'kind' | 'chainId' | 'registry' | 'twinId' | 'tokenId' | 'payload'>): OutboxItem {
    const id = `out_${randomBytes(8).toString('hex')}`;
    const at = this.now().toISOString();
    this.db
      .prepare('INSERT INTO chain_outbox (id, kind, chain_id, registry, twin_id, token_id, payload, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, item.kind, item.chainId, item.registry, item.twinId, item.tokenId, JSON.stringify(item.payload), 'queued', at, at);
    return this.require(id);
  }

  find(id: string): OutboxItem | undefined {
    const row = this.db.prepare('SELECT * FROM chain_outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? toItem(row) : undefined;
  }

  require(id: string): OutboxItem {
    const item = this.find(id);
    if (!item) throw new Error(`No outbox entry ${id}`);
    return item;
  }

  /** Everything still to settle on `chainId` (queued or sent), oldest first: the order the creator asked for them. */
  pending(chainId?: number): OutboxItem[] {
    const rows = (
      chainId === undefined
        ? this.db.prepare("SELECT * FROM chain_outbox WHERE state IN ('queued', 'sent') ORDER BY created_at, rowid").all()
        : this.db.prepare("SELECT * FROM chain_outbox WHERE state IN ('queued', 'sent') AND chain_id = ? ORDER BY created_at, rowid").all(chainId)
    ) as Row[];
    return rows.map(toItem);
  }

  list(filter: { twinId?: string; limit?: number } = {}): OutboxItem[] {
    const rows = (
      filter.twinId === undefined
        ? this.db.prepare('SELECT * FROM chain_outbox ORDER BY created_at DESC, rowid DESC LIMIT ?').all(filter.limit ?? 200)
        : this.db.prepare('SELECT * FROM chain_outbox WHERE twin_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(filter.twinId, filter.limit ?? 200)
    ) as Row[];
    return rows.map(toItem);
  }

  /** Chains the twin's token is minted on or queued to be (a voucher not refused by the chain); `waiting`: its voucher not sent yet. */
  mintedOn(twinId: string, tokenId: string): { chainId: number; waiting: boolean }[] {
    const rows = this.db
      .prepare(
        "SELECT chain_id, MIN(state = 'queued') AS waiting FROM chain_outbox WHERE kind = 'redeem' AND twin_id = ? AND token_id = ? AND state != 'failed' GROUP BY chain_id ORDER BY chain_id",
      )
      .all(twinId, tokenId) as { chain_id: number; waiting: number }[];
    return rows.map((row) => ({ chainId: row.chain_id, waiting: row.waiting === 1 }));
  }

  /**
   * Removes entries of these kinds for the token that were never sent: a newer setting replaces them, and since the
   * chain never saw them there is nothing to settle. Entries already sent stay, and land before the newer one.
   */
  withdrawQueued(chainId: number, tokenId: string, kinds: readonly OutboxKind[]): number {
    const marks = kinds.map(() => '?').join(', ');
    return this.db.prepare(`DELETE FROM chain_outbox WHERE state = 'queued' AND chain_id = ? AND token_id = ? AND kind IN (${marks})`).run(chainId, tokenId, ...kinds).changes;
  }

  /** Recorded before waiting for the transaction, so a crash while waiting leaves its hash to check on restart. */
  markSent(id: string, txHash: string): void {
    this.set(id, 'sent', { txHash, error: null });
  }

  markDone(id: string, txHash: string | null): void {
    this.set(id, 'done', { txHash, error: null });
  }

  markFailed(id: string, error: string): void {
    this.set(id, 'failed', { error });
  }

  /** Back to queued (e.g. a sent transaction the chain no longer knows after a crash), to be sent again. */
  requeue(id: string, reason: string): void {
    this.set(id, 'queued', { txHash: null, error: reason });
  }

  private set(id: string, state: OutboxState, fields: { txHash?: string | null; error?: string | null }): void {
    const current = this.require(id);
    this.db
      .prepare('UPDATE chain_outbox SET state = ?, tx_hash = ?, error = ?, updated_at = ? WHERE id = ?')
      .run(state, fields.txHash === undefined ? current.txHash : fields.txHash, fields.error === undefined ? current.error : fields.error, this.now().toISOString(), id);
  }
}
