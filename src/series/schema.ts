// Shapes of an ingested patch series. Types are inferred from these schemas so
// the JSON printed by `uringspec series show --json` and the in-memory values
// never drift apart.
import { z } from 'zod';
import { InfraError } from '../core/errors.ts';

export const AuthorSchema = z.object({
  name: z.string(),
  /** Empty when the source (a web thread page) does not show it and no trailer names it. */
  email: z.string(),
});

export const PatchSchema = z.object({
  /** n in [PATCH n/m]; 1 for a lone [PATCH]. */
  index: z.number().int().positive(),
  total: z.number().int().positive(),
  /** N in [PATCH vN ...]; 1 when absent. */
  version: z.number().int().positive(),
  /** Subject without the [PATCH ...] tags. */
  subject: z.string(),
  /** The bracketed tags as posted, e.g. "PATCH 3/7" or "PATCHSET RFC 0/7". */
  tags: z.string(),
  author: AuthorSchema,
  /** ISO 8601. Minute precision when the source is a web thread page. */
  date: z.string(),
  /** Original RFC 2822 Date header when the source had one (kept for git am). */
  rfc2822Date: z.string().optional(),
  files: z.array(z.string()),
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  /** Commit message body (after the subject line), up to the `---` separator. */
  message: z.string(),
  /** Everything from the first `diff --git` to the end of the last hunk. */
  diff: z.string(),
  /** Where it came from: file path, plus message position. */
  source: z.string(),
  /** The Message-ID it was posted with (without <>), when the source has one. */
  messageId: z.string().optional(),
});

export type Author = z.infer<typeof AuthorSchema>;
export type Patch = z.infer<typeof PatchSchema>;

/** Bad input: not a series, no patches, a numbering gap. Maps to exit code 2. */
export class SeriesError extends InfraError {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesError';
  }
}
