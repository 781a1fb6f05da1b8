// The ledger calls through the bridge's handlers and dispatcher over a real studio with no chain running: a request
// that breaks the rules answered with each broken rule named, an allowed one granted and listed as granted; test process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, createDispatcher } from '../../../main/bridge/dispatch.js';
import { createHandlers } from '../../../main/bridge/handlers.js';
import { defaultTwinRules } from '../../../main/contract/models.js';
import { type CreatorStudio, openCreatorStudio } from '../../fixtures/stored-voice-model.js';
import { dispatchCalls } from '../../support/dispatch.js';

const DAY = 86_400_000;
let creator: CreatorStudio;
let dispatcher: Dispatcher;
const { call } = dispatchCalls(() => dispatcher);
const logged: string[] = [];

/** A request from the studio's own identity, as a licensee's file reads: its text. */
function requestText(twin: string, purpose: string): string {
  const now = Date.now();
  return JSON.stringify(
    creator.studio.ledger.request({ twin, purpose, languages: ['en'], term: { from: new Date(now).toISOString(), to: new Date(now + 30 * DAY).toISOString() }, maxRenders: 10 }),
  );
}

beforeAll(async () => {
  creator = await openCreatorStudio();
  dispatcher = createDispatcher(createHandlers(creator.studio, 'loopback'), (message) => logged.push(message));
}, 60_000);

afterAll(async () => {
  await creator?.close();
});

describe('ledger calls through the handlers', () => {
  it('names each rule a request breaks, then grants an allowed one', async () => {
    const twin = await call('twin.pack', { name: 'Licensed', rules: defaultTwinRules(), voiceModel: creator.voiceModel });

    const refused = await call('ledger.evaluate', { twinId: twin.id, request: requestText(twin.manifestDigest, 'advertising') });
    expect(refused).toMatchObject({ allowed: false, state: 'refused' });
    expect(refused.violations).toEqual([expect.objectContaining({ rule: 'purpose', message: expect.stringContaining('"advertising" is not an allowed purpose') })]);

    const allowed = await call('ledger.evaluate', { twinId: twin.id, request: requestText(twin.manifestDigest, 'personal') });
    expect(allowed).toMatchObject({ allowed: true, violations: [], state: 'requested' });

    const outcome = await call('ledger.grant', { licenseHash: allowed.licenseHash, networkId: 'local' });
    expect(outcome.grant).toMatchObject({ schema: 'likeness.licence/v1', licenseHash: allowed.licenseHash, creator: twin.owner });
    expect(outcome.outboxId).toMatch(/^out_/);

    const listed = await call('ledger.licences', { twinId: twin.id });
    expect(listed.map((l) => [l.licenseHash, l.state]).sort()).toEqual([
      [allowed.licenseHash, 'granted'],
      [refused.licenseHash, 'refused'],
    ].sort());
    expect(await call('ledger.receipts', { twinId: twin.id })).toEqual([]);
    // Every answer kept to the contract's output schema.
    expect(logged).toEqual([]);
  }, 60_000);
});
