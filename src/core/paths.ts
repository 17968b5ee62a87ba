// Where the project's own data lives, relative to this checkout: the corpus,
// the kernel recipes, the series they apply. Nothing outside the checkout.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The hand-written scenarios (`uringspec run corpus/`). */
export const CORPUS_DIR = join(REPO_ROOT, 'corpus');
/** Kernel recipes (`kernels/*.yaml`), their config fragments and our own patches. */
export const KERNELS_DIR = join(REPO_ROOT, 'kernels');
