import { memo, useMemo } from 'react';
import { mentionSegments } from '../../chat/mentions';
import { linkify } from '../../format/linkify';

/**
 * Message text as React text nodes: http(s) URLs as safe links, and `@name` mentions of the names
 * given (lower-cased) highlighted, the user's own (`me`) more strongly.
 */
export const MessageBody = memo(function MessageBody({ text, mentionNames, me }: { text: string; mentionNames?: ReadonlySet<string>; me?: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  const myName = me?.toLowerCase();
  return (
    <div className="msg-body">
      {segments.map((s, i) =>
        s.kind === 'link' ? (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">
            {s.text}
          </a>
        ) : mentionNames?.size ? (
          mentionSegments(s.text, (n) => mentionNames.has(n)).map((p, j) =>
            p.kind === 'mention' ? (
              <span key={`${i}.${j}`} className={`mention ${p.name.toLowerCase() === myName ? 'mention-me' : ''}`} data-mention={p.name}>
                {p.text}
              </span>
            ) : (
              <span key={`${i}.${j}`}>{p.text}</span>
            ),
          )
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </div>
  );
});
