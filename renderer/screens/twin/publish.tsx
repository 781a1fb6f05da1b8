// Publishing what is queued on a network, after a confirmation that lists each transaction with its gas and fee: the
// review, the dialog and the send, shared by the Twin screen's Chain section and the licensee's fee payment; renderer.
import { type ReactNode, useState } from 'react';
import { LikenessError } from '../../../main/contract/errors.js';
import type { ChainOutboxItem, ChainPlan } from '../../../main/contract/models.js';
import { useClient } from '../../client.js';
import { ErrorBanner, useToast } from '../../design/index.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { asError } from './shared.js';

/** A chain entry's state as a badge's class. */
export const STATE_BADGES: Record<ChainOutboxItem['state'], string> = {
  queued: 'badge-queued',
  sent: 'badge-running',
  done: 'badge-completed',
  failed: 'badge-failed',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Gas in digit groups; it is a small whole number that came as a decimal string. */
const formatGas = (gas: string) => BigInt(gas).toLocaleString();

function PlanTable({ plan }: { plan: ChainPlan }) {
  return (
    <table className="report" aria-label="Transactions to send">
      <thead>
        <tr>
          <th scope="col">Transaction</th>
          <th scope="col">Gas</th>
          <th scope="col">Fee</th>
        </tr>
      </thead>
      <tbody>
        {plan.transactions.map((t) => (
          <tr key={t.item.id}>
            <td>{t.description}</td>
            <td>{formatGas(t.gas)}</td>
            <td>{t.feeEth} ETH</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            In all
          </th>
          <td>{plan.totalFeeEth} ETH</td>
        </tr>
      </tfoot>
    </table>
  );
}

export interface PublishReports {
  /** The queue may have changed: entries settled, refused or sent. */
  onChanged: () => void;
  onError: (error: Error) => void;
  /** Nothing needed sending, in words. */
  onNote: (note: string) => void;
}

export interface Publishing {
  /** Asks what publishing would send and, when there is something, opens the confirmation. */
  start: () => void;
  /** Reviewing before the confirmation opens, for the button that started it. */
  reviewing: boolean;
  dialog: ReactNode;
}

export function usePublish(networkId: string, { onChanged, onError, onNote }: PublishReports): Publishing {
  const client = useClient();
  const toast = useToast();
  const [planning, setPlanning] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [plan, setPlan] = useState<ChainPlan>();
  const [planError, setPlanError] = useState<Error>();

  /** Asks the studio what publishing would send; entries it settled or found refused change the queue. */
  const review = (onPlan: (next: ChainPlan) => void) => {
    setPlanning(true);
    client
      .call('chain.plan', { networkId })
      .then(
        (next) => {
          onChanged();
          onPlan(next);
        },
        (e: unknown) => onError(asError(e)),
      )
      .finally(() => setPlanning(false));
  };

  const start = () => {
    setPlanError(undefined);
    review((next) => {
      if (next.transactions.length > 0) setPlan(next);
      else onNote(`Nothing to send on ${next.network.name}${next.settled.length > 0 ? `: ${plural(next.settled.length, 'entry')} found already done` : ''}${next.failed.length > 0 ? `; ${plural(next.failed.length, 'entry')} refused by the chain` : ''}.`);
    });
  };

  const publish = (reviewed: ChainPlan) => {
    setPublishing(true);
    setPlanError(undefined);
    client
      .call('chain.publish', { networkId: reviewed.network.id, confirm: true, planned: reviewed.transactions.length })
      .then(
        (result) => {
          setPlan(undefined);
          toast(`Published on ${result.network.name}: ${result.sent.length} sent${result.failed.length > 0 ? `, ${result.failed.length} refused` : ''}`, result.failed.length > 0 ? 'error' : 'success');
          onChanged();
        },
        (e: unknown) => {
          setPlanError(asError(e));
          // The queue changed under the review: show the new plan to confirm instead.
          if (e instanceof LikenessError && e.code === 'conflict') review((next) => setPlan(next.transactions.length > 0 ? next : undefined));
        },
      )
      .finally(() => setPublishing(false));
  };

  const dialog = (
    <ConfirmDialog
      open={plan !== undefined}
      title={plan ? `Send ${plural(plan.transactions.length, 'transaction')} to ${plan.network.name}?` : 'Send transactions?'}
      confirmLabel={plan ? `Send ${plural(plan.transactions.length, 'transaction')}` : 'Send'}
      busy={publishing || planning}
      onConfirm={() => plan && publish(plan)}
      onCancel={() => setPlan(undefined)}
    >
      {plan ? (
        <>
          <p>
            Everything queued on {plan.network.name}, for every twin, in the order it is sent. Fees are estimated at the network's gas price now; nothing is
            sent unless you confirm, and a sent transaction cannot be taken back.
          </p>
          <PlanTable plan={plan} />
        </>
      ) : null}
      {planError ? <ErrorBanner error={planError} onDismiss={() => setPlanError(undefined)} /> : null}
    </ConfirmDialog>
  );
  return { start, reviewing: planning && plan === undefined, dialog };
}
