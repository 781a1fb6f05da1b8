// Transport-neutral dispatch: checks the call name, parses input with the contract's schema, runs the handler, wraps the answer; main process.
import { type CallName, type CallOutput, type CallParsedInput, calls, isCallName } from '../contract/calls.js';
import { type Envelope, type ErrorBody, LikenessError, describeIssues } from '../contract/errors.js';

export type Handlers = {
  [K in CallName]: (input: CallParsedInput<K>) => Promise<CallOutput<K>> | CallOutput<K>;
};

export interface Dispatcher {
  invoke(name: string, input: unknown): Promise<Envelope<unknown>>;
}

export type ErrorLogger = (message: string) => void;

function failure(error: ErrorBody): Envelope<never> {
  return { ok: false, error };
}

export function createDispatcher(handlers: Handlers, logError: ErrorLogger = (m) => console.error(m)): Dispatcher {
  return {
    async invoke(name, input) {
      if (typeof name !== 'string' || !isCallName(name)) {
        return failure({ code: 'unknown-call', message: `Unknown call ${JSON.stringify(String(name).slice(0, 100))}.` });
      }
      const parsed = calls[name].input.safeParse(input);
      if (!parsed.success) {
        return failure({ code: 'invalid-input', message: `Invalid input for ${name}.`, issues: describeIssues(parsed.error) });
      }
      try {
        const handler = handlers[name] as (input: unknown) => unknown;
        const value = await handler(parsed.data);
        const checked = calls[name].output.safeParse(value);
        if (!checked.success) {
          logError(`${name} produced output that breaks the contract: ${JSON.stringify(describeIssues(checked.error))}`);
          return failure({ code: 'internal', message: `The studio could not answer ${name}; see the studio log.` });
        }
        return { ok: true, value: checked.data };
      } catch (error) {
        if (error instanceof LikenessError) return failure(error.toBody());
        // Unknown failures may carry paths or data: the log keeps the detail, the caller gets a generic message.
        logError(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return failure({ code: 'internal', message: `The studio could not complete ${name}; see the studio log.` });
      }
    },
  };
}
