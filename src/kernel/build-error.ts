import { InfraError } from '../core/errors.ts';

/** A kernel build step failed (download, patch, config, compile): exit code 2. */
export class BuildError extends InfraError {
  constructor(message: string, detail?: string) {
    super(message, detail);
    this.name = 'BuildError';
  }
}
