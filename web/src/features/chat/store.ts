import { chatReducer, initChat, type ChatAction, type ChatState } from './state.ts';

export type ChatStore = {
  getState: () => ChatState;
  dispatch: (action: ChatAction) => void;
  subscribe: (listener: () => void) => () => void;
};

/**
 * Holds the chat state outside React so the event stream can read the last applied
 * seq synchronously (for resubscribing) while React renders from snapshots.
 */
export function createChatStore(initial: Parameters<typeof initChat>[0]): ChatStore {
  let state = initChat(initial);
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = chatReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
