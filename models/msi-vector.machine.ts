// One MSI vector as the device holds it (spec-notes §5.3 PCI MSI-X semantics, §6.5.3 the
// model for comparison): a committed message, a mask bit, a pending bit. Masked, an event
// sets pending and sends nothing; unmasking with pending owes exactly one send, of the
// message committed at unmask time (QEMU msix_handle_mask_update); a send is always the
// committed message, never while masked. A commit is whole (a latched CONFIGURE) or
// piecewise (one live address/data word): piecewise while unmasked is the update PCIe
// r5.0 §6.1.4.5 leaves undefined — accepted and counted, as the 2020 proposal allowed it.
import { and, assign, not, setup } from 'xstate';

/** Events of one vector, from the device's notes (`dev.msiCommit`, `dev.msiMask`, `dev.msiPending`, `dev.msiSend`). */
export type MsiVectorEvent =
  /** The vector's message changed: `whole` = all three words at once (CONFIGURE), else one live word. */
  | { type: 'dev.commit'; addrLo: number; addrHi: number; data: number; whole: boolean }
  | { type: 'dev.mask' }
  | { type: 'dev.unmask' }
  /** An event for this vector while it is masked: the pending bit. */
  | { type: 'dev.fire' }
  /** The device sends a message for this vector. */
  | { type: 'dev.send'; addrLo: number; addrHi: number; data: number }
  /** Device reset: entries return to their reset state. */
  | { type: 'dev.reset' };

export interface MsiVectorContext {
  addrLo: number;
  addrHi: number;
  data: number;
  pending: boolean;
  /** Piecewise changes of an unmasked vector (the unsafe update the PCI rule forbids). */
  unsafeUpdates: number;
  readonly maskedAtReset: boolean;
}

export const msiVectorMachine = setup({
  types: {
    context: {} as MsiVectorContext,
    events: {} as MsiVectorEvent,
    input: {} as { maskedAtReset: boolean },
  },
  guards: {
    isCommitted: ({ context, event }) =>
      event.type === 'dev.send' && event.addrLo === context.addrLo && event.addrHi === context.addrHi && event.data === context.data,
    isWhole: ({ event }) => event.type === 'dev.commit' && event.whole,
    hasPending: ({ context }) => context.pending,
    isMaskedAtReset: ({ context }) => context.maskedAtReset,
  },
  actions: {
    recordMessage: assign(({ context, event }) =>
      event.type === 'dev.commit' ? { ...context, addrLo: event.addrLo, addrHi: event.addrHi, data: event.data } : context),
    countUnsafeUpdate: assign({ unsafeUpdates: ({ context }) => context.unsafeUpdates + 1 }),
    setPending: assign({ pending: true }),
    clearPending: assign({ pending: false }),
    clearVector: assign({ addrLo: 0, addrHi: 0, data: 0, pending: false }),
  },
}).createMachine({
  id: 'msiVector',
  context: ({ input }) => ({ addrLo: 0, addrHi: 0, data: 0, pending: false, unsafeUpdates: 0, maskedAtReset: input.maskedAtReset }),
  initial: 'start',
  on: {
    'dev.reset': { target: '.start', actions: 'clearVector' },
  },
  states: {
    start: {
      always: [{ guard: 'isMaskedAtReset', target: 'masked' }, { target: 'unmasked' }],
    },
    unmasked: {
      on: {
        'dev.commit': [
          { guard: 'isWhole', actions: 'recordMessage' }, // atomic: the latched fix
          { actions: ['recordMessage', 'countUnsafeUpdate'] }, // one live word of an unmasked vector (§6.5.1)
        ],
        // msix_notify: the committed message, at once. (A target of its own: XState's `can`
        // counts a transition with neither target nor actions as not taken.)
        'dev.send': { guard: 'isCommitted', target: 'unmasked' },
        'dev.mask': { target: 'masked' },
      },
    },
    masked: {
      on: {
        'dev.commit': { actions: 'recordMessage' }, // the safe update: nothing is sent meanwhile
        'dev.fire': { actions: 'setPending' }, // PBA
        'dev.unmask': [
          { guard: 'hasPending', target: 'owesSend', actions: 'clearPending' },
          { target: 'unmasked' },
        ],
      },
    },
    owesSend: {
      tags: ['obligation'], // unmasked with the pending bit set: one send of the current message
      on: {
        'dev.send': { guard: and(['isCommitted', not('hasPending')]), target: 'unmasked' },
      },
    },
  },
});
