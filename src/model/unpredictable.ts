// Thrown anywhere inside the simulation when the model meets something it
// does not know; predict() turns it into NoOracle. Never caught elsewhere: a
// guess is worse than no oracle.
export class Unpredictable extends Error {
  constructor(
    readonly reason: string,
    readonly unrunnable = false,
  ) {
    super(reason);
    this.name = 'Unpredictable';
  }
}

export function unpredictable(reason: string): never {
  throw new Unpredictable(reason);
}

/** Neither the model nor the scenario program can go on: the program would stop with a harness error here. */
export function unrunnable(reason: string): never {
  throw new Unpredictable(reason, true);
}
