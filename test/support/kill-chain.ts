// Publishing with the studio's local chain killed by SIGKILL right after the first transaction is sent, for the kill tests.
import { expect } from 'vitest';
import type { Studio } from '../../main/core/studio.js';

/** The publish fails with the chain gone; resolves once anvil has exited, leaving the outbox as the kill left it. */
export async function publishKillingChain(studio: Studio): Promise<void> {
  const chain = await studio.chain.localChain();
  await expect(
    studio.chain.publish('local', {
      confirm: () => true,
      afterSend: () => {
        process.kill(chain.pid!, 'SIGKILL');
      },
    }),
  ).rejects.toThrow();
  await chain.exited;
}
