// drop-blank: leave out a sample whose array (after box-crop) is constant, every element equal: a blank
// crop that carries no image (MedMNIST v2.2.4 removed such samples from the Organ sets). The engine
// counts what it drops per split and reports it; kept samples are unchanged.
import type { StepOp } from './types.js';

export const dropBlankOp: StepOp<'drop-blank'> = {
  kind: 'step',
  apply: (a) => {
    const d = a.data;
    const first = d[0];
    for (let i = 1; i < d.length; i++) if (d[i] !== first) return a;
    return null;
  },
};
