// Twin screen: seal model versions, consent and rules into a signed, encrypted twin; list and verify twins; grant, publish rules, rotate, erase, export, push and pull; renderer.
import { useState } from 'react';
import type { TwinSummary } from '../../main/contract/models.js';
import { useCall } from '../client.js';
import { ErrorBanner } from '../design/index.js';
import { ScreenHeader } from './ScreenHeader.js';
import { BuildTwin } from './twin/BuildTwin.js';
import { IdentityGate, useIdentity } from './twin/IdentityGate.js';
import { ReceiveTwin } from './twin/ReceiveTwin.js';
import { TwinDetail } from './twin/TwinDetail.js';
import { TwinList, useVerifications } from './twin/TwinList.js';

export function TwinScreen() {
  const identity = useIdentity();
  const twins = useCall('twin.list', {});
  const [selectedId, setSelectedId] = useState<string>();
  const list = twins.data ?? [];
  const verifications = useVerifications(list);
  const selected = list.find((t) => t.id === selectedId);

  const show = (twin: TwinSummary) => {
    setSelectedId(twin.id);
    twins.reload();
  };

  return (
    <>
      <ScreenHeader title="Twin">
        Seal your models, consent take and rules in an encrypted, signed twin container that only you hold the keys to; then share it, license it and revoke it.
      </ScreenHeader>
      <IdentityGate identity={identity} />
      <section className="panel stack" aria-labelledby="twin-list">
        <h2 id="twin-list">Your twins</h2>
        {twins.error ? <ErrorBanner error={twins.error} onRetry={twins.reload} /> : null}
        {twins.data === undefined ? (
          twins.error ? null : (
            <p className="lede" role="status">
              Loading your twins…
            </p>
          )
        ) : list.length === 0 ? (
          <p className="lede">No twin yet. Seal one from your trained models below, or receive one from a file or a registry.</p>
        ) : (
          <TwinList twins={list} selected={selected?.id} onSelect={setSelectedId} verifications={verifications} />
        )}
      </section>
      {selected ? (
        <TwinDetail
          key={selected.id}
          twin={selected}
          identity={identity}
          verifications={verifications}
          onChanged={twins.reload}
          onRemoved={() => {
            setSelectedId(undefined);
            twins.reload();
          }}
        />
      ) : null}
      <BuildTwin unlocked={identity.unlocked} onBuilt={show} />
      <ReceiveTwin onReceived={show} />
    </>
  );
}
