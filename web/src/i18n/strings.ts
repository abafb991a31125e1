// The language follows the browser's preference: English and Spanish.

import { en, type Strings } from './en';
import { es } from './es';

export type { Strings };

export type Lang = 'en' | 'es';

/** The first supported language among the browser's preferences; English otherwise. */
export function pickLanguage(prefs: readonly string[] | undefined): Lang {
  for (const p of prefs ?? []) {
    const base = p.toLowerCase().split('-')[0];
    if (base === 'es') return 'es';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function strings(lang: Lang): Strings {
  return lang === 'es' ? es : en;
}

/** Fills `{name}` placeholders. */
export function fmt(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in values ? String(values[k]) : `{${k}}`));
}
