// Controls the Licenses screen's sections share: the network and twin choices, an optional checked input with its
// help, and a section's action button with what it will do; renderer.
import type { ReactNode } from 'react';
import type { ChainNetwork, TwinSummary } from '../../../main/contract/models.js';
import { Button } from '../../design/index.js';

export interface NetworkFieldProps {
  id: string;
  label: string;
  networks: ChainNetwork[] | undefined;
  value: string;
  onChange: (networkId: string) => void;
  /** Offers "no network" as the empty value, with this label. */
  none?: string;
}

export function NetworkField({ id, label, networks, value, onChange, none }: NetworkFieldProps) {
  return (
    <label className="field" htmlFor={id}>
      {label}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={networks === undefined}>
        {none === undefined ? null : <option value="">{none}</option>}
        {(networks ?? []).map((n) => (
          <option key={n.id} value={n.id}>
            {n.name} (chain {n.chainId})
          </option>
        ))}
      </select>
    </label>
  );
}

/** The network to use for a request bound to `chainId`: the chosen one when it is that chain, else the first saved on it. */
export function networkFor(networks: readonly ChainNetwork[] | undefined, chosen: string, chainId: number | null): string {
  if (chainId === null || networks?.find((n) => n.id === chosen)?.chainId === chainId) return chosen;
  return networks?.find((n) => n.chainId === chainId)?.id ?? chosen;
}

export function TwinOptions({ twins }: { twins: readonly TwinSummary[] }) {
  return twins.map((t) => (
    <option key={t.id} value={t.id}>
      {t.name} ({t.id})
    </option>
  ));
}

export interface CheckedInputProps {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  /** What was typed cannot be used; FieldHelp with the same id says why. */
  invalid: boolean;
  inputMode: 'numeric' | 'decimal';
  placeholder?: string;
  width: string;
}

export function CheckedInput({ id, label, value, onChange, invalid, inputMode, placeholder, width }: CheckedInputProps) {
  return (
    <label className="field" htmlFor={id}>
      {label}
      <input
        id={id}
        value={value}
        inputMode={inputMode}
        autoComplete="off"
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={`${id}-help`}
        style={{ width }}
      />
    </label>
  );
}

/** The help under a CheckedInput, in the danger colour while what was typed cannot be used. */
export function FieldHelp({ id, invalid, children }: { id: string; invalid: boolean; children: ReactNode }) {
  return (
    <p id={`${id}-help`} className="lede" style={{ margin: 0, fontSize: '0.85rem', color: invalid ? 'var(--danger)' : undefined }}>
      {children}
    </p>
  );
}

export interface ActionRowProps {
  id: string;
  label: string;
  onClick: () => void;
  busy: boolean;
  disabled: boolean;
  /** What the action does, or why it cannot be done yet. */
  help: string;
}

export function ActionRow({ id, label, onClick, busy, disabled, help }: ActionRowProps) {
  return (
    <div className="row">
      <Button variant="primary" onClick={onClick} busy={busy} disabled={disabled} aria-describedby={`${id}-help`}>
        {label}
      </Button>
      <span id={`${id}-help`} className="lede" style={{ fontSize: '0.85rem' }}>
        {help}
      </span>
    </div>
  );
}
