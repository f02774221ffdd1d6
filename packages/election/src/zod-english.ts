import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod/mini loads no locale, so every issue would read "Invalid input". Load English messages (what classic
 * zod loads) unless the app already chose a locale. The protocol package carries the same lines: the two
 * packages depend on nothing of each other.
 */
if (config().localeError === undefined) config(en());
