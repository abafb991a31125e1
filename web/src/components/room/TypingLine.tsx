import type { RoomView } from '../../chat/chatState';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';

/** "Ann is typing…", below the messages (a polite live region). */
export function TypingLine({ view }: { view: RoomView }) {
  const { t } = useI18n();
  const names = Object.values(view.typing).map((x) => x.username);
  let text = '';
  if (names.length === 1) text = fmt(t.typingOne, { a: names[0] });
  else if (names.length === 2) text = fmt(t.typingTwo, { a: names[0], b: names[1] });
  else if (names.length > 2) text = t.typingMany;
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {text}
    </div>
  );
}
