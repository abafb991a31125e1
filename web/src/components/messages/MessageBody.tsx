import { memo, useMemo } from 'react';
import { linkify } from '../../format/linkify';

/** Message text as React text nodes, with http(s) URLs as safe links. */
export const MessageBody = memo(function MessageBody({ text }: { text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <div className="msg-body">
      {segments.map((s, i) =>
        s.kind === 'link' ? (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">
            {s.text}
          </a>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </div>
  );
});
