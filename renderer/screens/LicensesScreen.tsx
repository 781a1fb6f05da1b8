// Licenses screen: a twin's licence requests checked against its rules, approved and granted or revoked, its usage
// receipts anchored, proved and verified, a validator's approval of someone else's request signed, and a licensee's
// own requests made, paid for and kept; renderer.
import { useState } from 'react';
import { useCall } from '../client.js';
import { Button, EmptyState, ErrorBanner } from '../design/index.js';
import { ScreenHeader } from './ScreenHeader.js';
import { ApproveAsValidator } from './licenses/ApproveAsValidator.js';
import { AsLicensee } from './licenses/AsLicensee.js';
import { EvaluateRequest } from './licenses/EvaluateRequest.js';
import { LedgerSection } from './licenses/LedgerSection.js';
import { LicenceList } from './licenses/LicenceList.js';
import { TwinOptions } from './licenses/controls.js';
import { IdentityGate, useIdentity } from './twin/IdentityGate.js';

export function LicensesScreen() {
  const identity = useIdentity();
  const twins = useCall('twin.list', {});
  const networks = useCall('chain.networks', {});
  const [chosenId, setChosenId] = useState<string>();
  const [networkId, setNetworkId] = useState('local');
  const list = twins.data ?? [];
  const twin = list.find((t) => t.id === chosenId) ?? list[0];
  const licences = useCall('ledger.licences', twin ? { twinId: twin.id } : {});

  return (
    <>
      <ScreenHeader title="Licenses">
        Check licence requests against your twin's rules, collect validators' approvals, grant or revoke licences, and anchor and prove the usage receipts of
        every render. As a validator of someone else's twin, sign your approval of their licensee's request; as a licensee, ask for a licence, pay its fee
        and keep the licence you are granted.
      </ScreenHeader>
      <IdentityGate identity={identity} />
      {twins.error ? <ErrorBanner error={twins.error} onRetry={twins.reload} /> : null}
      {networks.error ? <ErrorBanner error={networks.error} onRetry={networks.reload} /> : null}
      {twins.data === undefined ? (
        twins.error ? null : (
          <p className="lede" role="status">
            Loading your twins…
          </p>
        )
      ) : !twin ? (
        <EmptyState
          title="Nothing to license yet"
          action={
            <Button variant="primary" onClick={() => (window.location.hash = '#/twin')}>
              Go to Twin
            </Button>
          }
        >
          Licensing needs a sealed twin: seal one on the Twin screen first.
        </EmptyState>
      ) : (
        <>
          <section className="panel row" aria-label="Twin and network" style={{ alignItems: 'flex-end' }}>
            <label className="field" htmlFor="licenses-twin">
              Twin
              <select id="licenses-twin" value={twin.id} onChange={(e) => setChosenId(e.target.value)}>
                <TwinOptions twins={list} />
              </select>
            </label>
            <label className="field" htmlFor="licenses-network">
              Network for grants, revocations and anchors
              <select id="licenses-network" value={networkId} onChange={(e) => setNetworkId(e.target.value)} disabled={networks.data === undefined}>
                {(networks.data ?? []).map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.name} (chain {n.chainId})
                  </option>
                ))}
              </select>
            </label>
          </section>
          <EvaluateRequest key={`evaluate-${twin.id}`} twin={twin} onEvaluated={licences.reload} />
          <section className="panel stack" aria-labelledby="licence-requests">
            <h2 id="licence-requests">Requests</h2>
            <p className="lede" style={{ margin: 0 }}>
              What you grant or revoke is queued for the chosen network; it reaches the registry when you publish from the Twin screen's Chain section.
            </p>
            {licences.error ? <ErrorBanner error={licences.error} onRetry={licences.reload} /> : null}
            {licences.data === undefined ? null : (
              <LicenceList twin={twin} records={licences.data} networkId={networkId} unlocked={identity.unlocked} onChanged={licences.reload} />
            )}
          </section>
          <LedgerSection key={`ledger-${twin.id}`} twin={twin} networkId={networkId} />
        </>
      )}
      {/* Validators and licensees act on twins they do not own, so these stand whether or not this studio has a twin of its own. */}
      <ApproveAsValidator networks={networks.data} unlocked={identity.unlocked} address={identity.address} />
      <AsLicensee networks={networks.data} twins={twins.data} unlocked={identity.unlocked} address={identity.address} onHeld={licences.reload} />
    </>
  );
}
