// Calls through the bridge's dispatcher in tests: the value, or the error it answered, each failing the test otherwise.
import type { Dispatcher } from '../../main/bridge/dispatch.js';
import type { CallName, CallOutput, ErrorBody } from '../../main/contract/index.js';

export interface DispatchCalls {
  call<K extends CallName>(name: K, input: unknown): Promise<CallOutput<K>>;
  refusal(name: CallName, input: unknown): Promise<ErrorBody>;
}

/** `dispatcher()` is read at each call, so a suite can create its dispatcher in beforeAll. */
export function dispatchCalls(dispatcher: () => Dispatcher): DispatchCalls {
  return {
    async call<K extends CallName>(name: K, input: unknown): Promise<CallOutput<K>> {
      const answer = await dispatcher().invoke(name, input);
      if (!answer.ok) throw new Error(`${name}: ${answer.error.code} ${answer.error.message}`);
      return answer.value as CallOutput<K>;
    },
    async refusal(name: CallName, input: unknown): Promise<ErrorBody> {
      const answer = await dispatcher().invoke(name, input);
      if (answer.ok) throw new Error(`${name} succeeded: ${JSON.stringify(answer.value)}`);
      return answer.error;
    },
  };
}
