import { createContext, useContext } from 'react';
import { strings, type Lang, type Strings } from './strings';

export const I18nContext = createContext<{ t: Strings; lang: Lang }>({ t: strings('en'), lang: 'en' });

export function useI18n() {
  return useContext(I18nContext);
}
