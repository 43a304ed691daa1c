// Shapes of the requirement catalogue (spec/catalogue.ts): one record per numbered
// requirement of spec-notes.md, with its v1.4-cs01 section, normative level and checking properties.

/**
 * Normative level exactly as spec-notes.md records it. Compound levels ("SHOULD / MUST")
 * mark requirements with several clauses; parenthesised ones are non-normative procedures,
 * notes or descriptions, and '–' marks a rule that comes from analysis, not the spec.
 */
export type Level =
  | 'MUST'
  | 'MUST NOT'
  | 'SHOULD'
  | 'SHOULD NOT'
  | 'MAY'
  | 'MUST / MAY'
  | 'MUST / MUST NOT'
  | 'MUST / SHOULD'
  | 'MUST / SHOULD / MAY'
  | 'MUST / SHOULD / MUST'
  | 'MUST / SHOULD NOT'
  | 'MUST / SHOULD NOT / MUST'
  | 'MUST NOT / MAY'
  | 'MUST NOT / MUST'
  | 'SHOULD / MUST'
  | 'SHOULD / MUST NOT'
  | 'SHOULD NOT / MUST'
  | '(procedure)'
  | '(informative)'
  | '(descriptive)'
  | '–';

/** Which side of the protocol the requirement binds. */
export type Role = 'driver' | 'device';

/** Requirement area; one file under spec/requirements/ per area that has requirements. */
export type Area = 'status' | 'features' | 'notification' | 'mmio' | 'net-mq' | 'pci' | 'msi' | 'multi-irq';

/** Property ids of DESIGN.md's oracle table. */
export type PropertyId =
  | 'P-STATUS'
  | 'P-FEAT'
  | 'P-QUIESCE'
  | 'P-ISR'
  | 'P-IRQ-MUST'
  | 'P-KICK-MUST'
  | 'P-ROUTE'
  | 'P-MQ'
  | 'P-WRAP'
  | 'P-RESET'
  | 'P-CFG'
  | 'P-MMIO';

/** One requirement of the digest, e.g. `STATUS-DRV-3`. */
export interface Requirement {
  /** Our id from spec-notes.md, e.g. `NOTIF-DEV-4`. */
  readonly id: string;
  /** Section number in virtio v1.4-cs01, possibly with a qualifier, e.g. `3.1.1 step 4`. */
  readonly section: string;
  readonly area: Area;
  readonly role: Role;
  readonly level: Level;
  /** One-line paraphrase; never a copy of spec text. */
  readonly text: string;
  /** property ids that check it (empty if none yet) */
  readonly properties: readonly PropertyId[];
}
