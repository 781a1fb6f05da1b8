// A licensee's side of a licence: a request for someone else's twin made and signed in the main process (the key
// stays there) then saved or copied for its owner, its fee paid into escrow and published, and the granted licence
// kept for an imported twin; renderer.
import { useId, useState } from 'react';
import { LikenessError, describeIssues } from '../../../main/contract/errors.js';
import { type ChainNetwork, type LicenceRequest, LicenceRequestFields, TWIN_PURPOSES, type TwinPurpose, type TwinSummary } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { asError } from '../twin/shared.js';
import { downloadJson, useCopyJson } from './files.js';
import { HoldLicence } from './HoldLicence.js';
import { ActionRow, NetworkField } from './controls.js';
import { PayFee } from './PayFee.js';
import { RequestFacts } from './RequestFacts.js';

const DAY = 86_400_000;

/** A yyyy-mm-dd date input's value for a time, in the person's own time zone. */
function dateValue(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A date input's day as a UTC time: its start, or its last second so the licence runs through the day named. */
function dayTime(value: string, end: boolean): string {
  const time = Date.parse(`${value}T${end ? '23:59:59' : '00:00:00'}`);
  return Number.isNaN(time) ? value : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Draft {
  twin: string;
  purpose: TwinPurpose;
  languages: string;
  from: string;
  to: string;
  maxRenders: string;
  networkId: string;
}

function fieldsOf(draft: Draft) {
  return LicenceRequestFields.safeParse({
    twin: draft.twin.trim(),
    purpose: draft.purpose,
    languages: draft.languages
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
    term: { from: dayTime(draft.from, false), to: dayTime(draft.to, true) },
    maxRenders: draft.maxRenders.trim() === '' ? Number.NaN : Number(draft.maxRenders),
    ...(draft.networkId === '' ? {} : { networkId: draft.networkId }),
  });
}

function MakeRequest({ networks, unlocked, address, onRequested }: { networks: ChainNetwork[] | undefined; unlocked: boolean; address: string | undefined; onRequested: (request: LicenceRequest, networkId: string) => void }) {
  const client = useClient();
  const toast = useToast();
  const copy = useCopyJson();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => ({ twin: '', purpose: 'personal', languages: '', from: dateValue(Date.now()), to: dateValue(Date.now() + 30 * DAY), maxRenders: '', networkId: 'local' }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [request, setRequest] = useState<LicenceRequest>();

  // A request is for exactly what was filled in: any change makes the one shown stale.
  const change = (patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setRequest(undefined);
    setError(undefined);
  };

  const make = () => {
    const fields = fieldsOf(draft);
    if (!fields.success) {
      setError(new LikenessError('invalid-input', 'The request is not complete yet:', describeIssues(fields.error)));
      return;
    }
    setBusy(true);
    setError(undefined);
    client
      .call('ledger.request', fields.data)
      .then(
        (made) => {
          setRequest(made);
          onRequested(made, draft.networkId);
          toast('Request made', 'success');
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  const text = (key: 'twin' | 'languages' | 'maxRenders', label: string, extra: { placeholder?: string; inputMode?: 'numeric' } = {}) => (
    <label className="field" htmlFor={`${id}-${key}`}>
      {label}
      <input id={`${id}-${key}`} value={draft[key]} autoComplete="off" spellCheck={false} onChange={(e) => change({ [key]: e.target.value })} {...extra} />
    </label>
  );

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Ask for a licence</h3>
      <p className="lede" style={{ margin: 0 }}>
        Name the twin by its manifest digest (its owner can tell you, or read it on the twin you received) and what you want to use it for. The request
        carries your address and public key, so the owner can wrap the twin's key for you; bound to a network, it names the twin's token there.
      </p>
      {text('twin', 'Twin digest', { placeholder: 'sha256:…' })}
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <label className="field" htmlFor={`${id}-purpose`}>
          Purpose
          <select id={`${id}-purpose`} value={draft.purpose} onChange={(e) => change({ purpose: e.target.value as TwinPurpose })}>
            {TWIN_PURPOSES.map((purpose) => (
              <option key={purpose} value={purpose}>
                {purpose}
              </option>
            ))}
          </select>
        </label>
        {text('languages', 'Languages', { placeholder: 'en, es' })}
        {text('maxRenders', 'Most renders', { inputMode: 'numeric' })}
      </div>
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <label className="field" htmlFor={`${id}-from`}>
          From
          <input id={`${id}-from`} type="date" value={draft.from} onChange={(e) => change({ from: e.target.value })} />
        </label>
        <label className="field" htmlFor={`${id}-to`}>
          Until the end of
          <input id={`${id}-to`} type="date" value={draft.to} onChange={(e) => change({ to: e.target.value })} />
        </label>
        <NetworkField
          id={`${id}-network`}
          label="Network the twin is minted on"
          networks={networks}
          value={draft.networkId}
          onChange={(networkId) => change({ networkId })}
          none="None: the request names no chain"
        />
      </div>
      <ActionRow
        id={`${id}-make`}
        label="Make request"
        onClick={make}
        busy={busy}
        disabled={!unlocked}
        help={unlocked ? `Asks as ${address ?? 'your identity'}.` : 'A request names your identity: unlock it first.'}
      />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {request ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            <span className="badge badge-completed">made</span> Send the request file to the twin's owner; when the twin's licences cost a fee, pay it below.
          </p>
          <RequestFacts request={request} label="Your request" />
          <div className="row">
            <Button variant="primary" onClick={() => downloadJson(`likeness-request-${request.twin.slice(7, 19)}-${request.requestedAt.slice(0, 10)}.json`, request)}>
              Save request file
            </Button>
            <Button onClick={() => copy(request, 'Request')}>Copy</Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

export interface AsLicenseeProps {
  networks: ChainNetwork[] | undefined;
  twins: TwinSummary[] | undefined;
  unlocked: boolean;
  address: string | undefined;
  /** A licence was kept: the screen's lists may show it. */
  onHeld: () => void;
}

export function AsLicensee({ networks, twins, unlocked, address, onHeld }: AsLicenseeProps) {
  const [payText, setPayText] = useState('');
  const [payNetwork, setPayNetwork] = useState('local');
  return (
    <section className="panel stack" aria-labelledby="licence-licensee">
      <h2 id="licence-licensee">Licences you ask for</h2>
      <p className="lede" style={{ margin: 0 }}>
        To use someone else's twin: ask its owner for a licence, pay its fee when the twin's rules ask one, and keep the licence they grant you so your
        renders can use it. Your key stays in the studio; requests and payments are signed there.
      </p>
      <MakeRequest networks={networks} unlocked={unlocked} address={address} onRequested={(request, networkId) => {
          // The request just made is the one to pay for, on the network it was made for.
          setPayText(`${JSON.stringify(request, null, 2)}\n`);
          if (networkId !== '') setPayNetwork(networkId);
        }}
      />
      <PayFee networks={networks} unlocked={unlocked} text={payText} onText={setPayText} network={payNetwork} onNetwork={setPayNetwork} />
      <HoldLicence twins={twins} unlocked={unlocked} onHeld={onHeld} />
    </section>
  );
}
