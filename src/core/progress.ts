// What long work reports while it runs (a kernel build, a boot, items done of
// a total). Producers call it; cli/progress.ts decides how it is shown.
export interface ProgressEvent {
  phase: string;
  done?: number;
  total?: number;
  detail?: string;
}

export type Progress = (event: ProgressEvent) => void;

export const noProgress: Progress = () => {};
