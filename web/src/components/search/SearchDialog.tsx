import { useEffect, useMemo, useRef, useState } from 'react';
import type { ChatState } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { roomTitle } from '../../chat/roomTitle';
import { groupByRoom, highlightParts, queryWords } from '../../chat/search';
import { errorText } from '../../i18n/errorText';
import { useI18n } from '../../i18n/i18nContext';
import { ApiError } from '../../net/apiError';
import type { Message } from '../../protocol/types';
import { Modal } from '../dialogs/Modal';

/** Text with the words of `q` marked; React text nodes only, never HTML. */
export function Highlighted({ text, q }: { text: string; q: string }) {
  const parts = useMemo(() => highlightParts(text, q), [text, q]);
  return (
    <>
      {parts.map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}

/**
 * The search box (Ctrl/Cmd+K): results of GET /api/search grouped by room, matched words
 * highlighted, "more results" pages on with next_before; a result opens its room at the message.
 */
export function SearchDialog({ chat, state, onClose, onOpen }: { chat: ChatStore; state: ChatState; onClose: () => void; onOpen: (room: number, id: number) => void }) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<{ q: string; messages: Message[]; next: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  async function run(query: string, before?: number) {
    const mine = ++seq.current;
    setBusy(true);
    setError(null);
    try {
      const page = await chat.search(query, before);
      if (mine !== seq.current) return;
      setResults((prev) => ({
        q: query,
        messages: before !== undefined && prev ? [...prev.messages, ...page.messages] : page.messages,
        next: page.next_before ?? null,
      }));
    } catch (e) {
      if (mine === seq.current) setError(e instanceof ApiError ? errorText(t, e.code, e.message) : String((e as Error)?.message ?? e));
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }

  // Searches as the user types, after a short pause.
  useEffect(() => {
    const query = q.trim();
    if (!queryWords(query).length || query.length > 200) {
      seq.current++;
      setResults(null);
      setBusy(false);
      return;
    }
    const timer = setTimeout(() => void run(query), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const groups = results ? groupByRoom(results.messages) : [];
  return (
    <Modal title={t.searchTitle} onClose={onClose}>
      <form
        className="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (queryWords(q).length) void run(q.trim());
        }}
      >
        <input type="search" aria-label={t.searchLabel} placeholder={t.searchPlaceholder} value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} autoFocus />
      </form>
      <div className="search-results" aria-live="polite" aria-busy={busy}>
        {error && <p className="form-error">{error}</p>}
        {results && !results.messages.length && !busy && <p className="muted">{t.searchNoResults}</p>}
        {groups.map((g) => {
          const rv = state.rooms[g.room];
          const title = rv ? roomTitle(rv.room, state.user) : `#${g.room}`;
          return (
            <section key={g.room} className="search-group" aria-label={title}>
              <h3>{title}</h3>
              <ul>
                {g.messages.map((m) => (
                  <li key={m.id}>
                    <button type="button" className="search-result" data-id={m.id} onClick={() => onOpen(m.room, m.id)}>
                      <span className="search-meta">
                        <strong>{m.from.username}</strong> <time dateTime={m.ts}>{new Date(m.ts).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' })}</time>
                      </span>
                      <span className="search-body">
                        <Highlighted text={m.body} q={results?.q ?? ''} />
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
        {results?.next != null && (
          <button type="button" className="ghost more-results" disabled={busy} onClick={() => void run(results.q, results.next ?? undefined)}>
            {t.searchMore}
          </button>
        )}
      </div>
    </Modal>
  );
}
