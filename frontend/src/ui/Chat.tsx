import { useEffect, useRef, useState } from 'preact/hooks';
import {
  answerSuggestionFromChat,
  completeFromChat,
  sendChat,
  snoozeFromChat,
  tz,
  undoChatAction,
  type AppState,
} from '../app';
import { actionLabel, pendingChoices, undoable, type ChatEntry } from '../chat';
import { humanizeInstants } from '../dates';
import { Panel, showTask } from './Side';

/** Minutes a reminder is put off from the conversation. */
const SNOOZE_MINUTES = 10;

export function AssistantPanel({ s }: { s: AppState }) {
  const { chat } = s;
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    input.current?.focus();
  }, []);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [chat.entries.length, chat.pending]);

  const send = async (text: string) => {
    if (await sendChat(text)) input.current?.focus();
  };
  const choices = pendingChoices(chat.pending);
  return (
    <Panel title="Assistant">
      {/* Replies are announced as they arrive; the log keeps the history. */}
      <div class="chat-log" role="log" aria-live="polite" aria-label="Conversation with the assistant">
        {!chat.entries.length && (
          <p class="muted">
            Ask me to add, change or find tasks: “Call mom tomorrow at 6pm”, “water plants every 3 days”, “what’s due
            today?”. Reminders and advice show up here too.
          </p>
        )}
        {chat.entries.map((e) => (
          <Entry key={e.id} entry={e} s={s} />
        ))}
        {chat.sending && (
          <p class="chat-msg chat-typing muted" aria-busy="true">
            …
          </p>
        )}
        <div ref={end} />
      </div>
      {choices.length > 0 && (
        <div class="chat-choices" role="group" aria-label={chat.pending?.question ?? 'Answer'}>
          {choices.map((c) => (
            <button
              type="button"
              class={c.message === 'yes' ? 'small primary' : 'small'}
              key={c.message}
              disabled={chat.sending}
              onClick={() => void send(c.message)}
            >
              {c.label}
            </button>
          ))}
        </div>
      )}
      <form
        class="chat-form"
        onSubmit={(e) => {
          e.preventDefault();
          const text = draft;
          setDraft('');
          void send(text);
        }}
      >
        <label class="sr-only" for="chat-input">
          Message to the assistant
        </label>
        <input
          id="chat-input"
          ref={input}
          value={draft}
          maxLength={2000}
          autoComplete="off"
          placeholder="Message the assistant"
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" disabled={chat.sending || !draft.trim()}>
          Send
        </button>
      </form>
    </Panel>
  );
}

function Entry({ entry: e, s }: { entry: ChatEntry; s: AppState }) {
  switch (e.kind) {
    case 'user':
      return <p class="chat-msg chat-user">{e.text}</p>;
    case 'assistant':
      return (
        <div class="chat-msg chat-assistant">
          <p>{humanizeInstants(e.text, s.now, tz())}</p>
          {e.readAs && <p class="muted small">I read this as: {e.readAs}</p>}
          {e.undone ? (
            <p class="muted small">Undone</p>
          ) : (
            undoable(e.actions).length > 0 && (
              <div class="row-end">
                <button
                  type="button"
                  class="small"
                  onClick={() => {
                    for (const a of undoable(e.actions)) void undoChatAction(e.id, a);
                  }}
                >
                  Undo
                </button>
              </div>
            )
          )}
          {e.actions.length > 0 && (
            <ul class="chat-actions">
              {e.actions.map((a, i) => (
                <li key={i}>
                  {a.type !== 'task.deleted' && s.tasks[a.taskId] ? (
                    <button type="button" class="link" onClick={() => showTask(a.taskId)}>
                      {actionLabel(a)}
                    </button>
                  ) : (
                    actionLabel(a)
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      );
    case 'reminder':
      return (
        <div class="chat-msg chat-event chat-reminder">
          <p>
            <span class="muted small">Reminder · </span>
            {e.text}
          </p>
          {e.outcome ? (
            <p class="muted small">{e.outcome}</p>
          ) : (
            <div class="row-end">
              {e.taskId && s.tasks[e.taskId] && !s.tasks[e.taskId].completed && (
                <button type="button" class="small" onClick={() => void completeFromChat(e.id, e.taskId!)}>
                  Done
                </button>
              )}
              {e.reminderId && (
                <button
                  type="button"
                  class="small"
                  onClick={() => void snoozeFromChat(e.id, e.reminderId!, SNOOZE_MINUTES)}
                >
                  Snooze {SNOOZE_MINUTES} min
                </button>
              )}
            </div>
          )}
        </div>
      );
    case 'suggestion':
      return (
        <div class="chat-msg chat-event chat-suggestion">
          <p>
            <span class="muted small">Suggestion · </span>
            {humanizeInstants(e.text, s.now, tz())}
          </p>
          {e.outcome ? (
            <p class="muted small">{e.outcome}</p>
          ) : (
            <div class="row-end">
              <button
                type="button"
                class="small"
                onClick={() => void answerSuggestionFromChat(e.id, e.suggestion, false)}
              >
                Dismiss
              </button>
              {e.suggestion.action && (
                <button
                  type="button"
                  class="small primary"
                  onClick={() => void answerSuggestionFromChat(e.id, e.suggestion, true)}
                >
                  Accept
                </button>
              )}
            </div>
          )}
        </div>
      );
  }
}
