// A validator's side of a licence: a licensee's request pasted or loaded, what it asks shown, and this studio's
// approval signed in the main process (the key stays there) then saved or copied for the twin's owner; renderer.
import { useId, useState } from 'react';
import type { ChainNetwork, LicenceApproval } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { Button, ErrorBanner, useToast } from '../../design/index.js';
import { asError } from '../twin/shared.js';
import { downloadJson, useCopyJson } from './files.js';
import { ActionRow, CheckedInput, FieldHelp, NetworkField, networkFor } from './controls.js';
import { RequestField, readRequest } from './RequestFacts.js';

/** The epoch typed, undefined when left empty, or null when it is not a whole number. */
function readEpoch(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  return /^[0-9]{1,15}$/.test(text.trim()) ? Number(text.trim()) : null;
}

export interface ApproveAsValidatorProps {
  networks: ChainNetwork[] | undefined;
  unlocked: boolean;
  address: string | undefined;
}

export function ApproveAsValidator({ networks, unlocked, address }: ApproveAsValidatorProps) {
  const client = useClient();
  const toast = useToast();
  const copy = useCopyJson();
  const id = useId();
  const [text, setText] = useState('');
  const [networkId, setNetworkId] = useState('local');
  const [epochText, setEpochText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [approval, setApproval] = useState<LicenceApproval>();
  const epoch = readEpoch(epochText);
  const fileName = approval ? `likeness-approval-${approval.licenseHash.slice(2, 14)}-${approval.validator.slice(2, 8).toLowerCase()}.json` : '';

  // A signed approval is for exactly what was shown: any change makes it stale, so it is cleared rather than kept beside new input.
  const changed = () => {
    setApproval(undefined);
    setError(undefined);
  };

  const changeRequest = (next: string) => {
    setText(next);
    changed();
    // A request bound to a chain is approved on that chain only: pick a network for it rather than let signing refuse.
    setNetworkId(networkFor(networks, networkId, readRequest(next)?.chainId ?? null));
  };

  const sign = () => {
    if (epoch === null) return;
    setBusy(true);
    changed();
    client
      .call('ledger.approve', { request: text, networkId, ...(epoch === undefined ? {} : { epoch }) })
      .then(
        (signed) => {
          setApproval(signed);
          toast('Approval signed', 'success');
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel stack" aria-labelledby="licence-validator">
      <h2 id="licence-validator">Approve as a validator</h2>
      <p className="lede" style={{ margin: 0 }}>
        When a twin's rules name you as one of its validators, its owner needs your approval before granting a licence. Load the licensee's request, check
        what it asks, and sign: you get an approval file to send to the twin's owner. Your key stays in the studio; only the signed approval comes back.
      </p>
      <RequestField purpose="approve" checkedWhen="when you sign" value={text} onChange={changeRequest} onError={setError} />
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <NetworkField
          id={`${id}-network`}
          label="Network the twin is minted on"
          networks={networks}
          value={networkId}
          onChange={(next) => {
            setNetworkId(next);
            changed();
          }}
        />
        <CheckedInput
          id={`${id}-epoch`}
          label="Validator epoch (optional)"
          value={epochText}
          onChange={(next) => {
            setEpochText(next);
            changed();
          }}
          invalid={epoch === null}
          inputMode="numeric"
          width="8rem"
        />
      </div>
      <FieldHelp id={`${id}-epoch`} invalid={epoch === null}>
        {epoch === null
          ? 'The epoch is a whole number, such as 1.'
          : 'Leave it empty: the studio reads it from the network and checks you are one of the twin’s validators. Give it only when the network cannot be reached (the twin’s owner can tell you); nothing is checked then.'}
      </FieldHelp>
      <ActionRow
        id={`${id}-sign`}
        label="Sign approval"
        onClick={sign}
        busy={busy}
        disabled={!unlocked || text.trim() === '' || epoch === null}
        help={unlocked ? `Signs as ${address ?? 'your identity'}.` : 'Signing an approval uses your identity: unlock it first.'}
      />
      {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
      {approval ? (
        <div role="status" className="stack" style={{ gap: '0.35rem' }}>
          <p style={{ margin: 0 }}>
            <span className="badge badge-completed">signed</span> Approval of licence <code style={{ wordBreak: 'break-all' }}>{approval.licenseHash}</code> by{' '}
            <code>{approval.validator}</code> for validator epoch {approval.epoch} on chain {approval.chainId}. Send the file to the twin's owner.
          </p>
          <div className="row">
            <Button variant="primary" onClick={() => downloadJson(fileName, approval)}>
              Save approval file
            </Button>
            <Button onClick={() => copy(approval, 'Approval')}>Copy</Button>
          </div>
          <details>
            <summary>The approval file</summary>
            <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: '0.8rem' }}>{JSON.stringify(approval, null, 2)}</pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}
