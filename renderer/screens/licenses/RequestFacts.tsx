// A licence request as the browser reads it, pasted or loaded, and what it asks shown as facts; shared by the
// validator's and the licensee's sections of the Licenses screen; renderer.
import { LicenceRequest } from '../../../main/contract/models.js';
import { formatWhen } from '../twin/shared.js';
import { JsonFileField } from './files.js';

/** The request as far as the browser can read it; the studio checks it field by field and names each error when it is used. */
export function readRequest(text: string): LicenceRequest | undefined {
  try {
    const parsed = LicenceRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function RequestFacts({ request, label }: { request: LicenceRequest; label: string }) {
  return (
    <dl className="facts" aria-label={label}>
      <dt>Twin</dt>
      <dd>
        <code>{request.twin}</code>
        {request.tokenId === null ? ' (the request names no chain)' : `, token ${request.tokenId} on chain ${request.chainId}`}
      </dd>
      <dt>Licensee</dt>
      <dd>
        <code>{request.licensee}</code>
      </dd>
      <dt>Purpose</dt>
      <dd>{request.purpose}</dd>
      <dt>Languages</dt>
      <dd>{request.languages.join(', ')}</dd>
      <dt>Term</dt>
      <dd>
        {formatWhen(request.term.from)} to {formatWhen(request.term.to)}
      </dd>
      <dt>Renders</dt>
      <dd>up to {request.maxRenders}</dd>
      <dt>Requested</dt>
      <dd>{formatWhen(request.requestedAt)}</dd>
    </dl>
  );
}

export interface RequestFieldProps {
  /** What the request is loaded for, as the labels say it: "approve", "pay for". */
  purpose: string;
  /** When the studio checks it: "when you sign". */
  checkedWhen: string;
  value: string;
  onChange: (text: string) => void;
  onError: (error: Error) => void;
}

/** A request pasted or loaded, and what it asks as far as the browser can read it. */
export function RequestField({ purpose, checkedWhen, value, onChange, onError }: RequestFieldProps) {
  const request = readRequest(value);
  return (
    <>
      <JsonFileField label={`Licence request to ${purpose} (JSON)`} loadLabel={`Load a request file to ${purpose}…`} value={value} onChange={onChange} onError={onError} />
      {value.trim() === '' ? null : request ? (
        <RequestFacts request={request} label={`The request you ${purpose}`} />
      ) : (
        <p className="lede" style={{ margin: 0 }}>
          This is not a licence request the browser can read; the studio names what is wrong with it {checkedWhen}.
        </p>
      )}
    </>
  );
}
