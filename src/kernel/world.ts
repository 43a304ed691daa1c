// The world: processes, memory, the bus to devices, and the step loop. It interprets
// effects, records each one, and asks its choice source who runs next. Nothing else is
// nondeterministic, so the recorded path replays a run exactly.

import {
  type AccessSize, type FenceEffect, type LoadEffect, type LockedEffect, type MmioReadEffect, type MmioWriteEffect, type Process,
  type RecordedEffect, type RmwEffect, type SendMsiEffect, type SetIrqEffect, type StoreEffect, type WaitEffect, rmwNewValue,
} from './effects.ts';
import { type ChoiceSource, ChoiceKind, choiceCode } from './choice.ts';
import { type Memory, type MemoryModelName, StoreBuffer } from './memory-model.ts';
import type { KernelRecord, RunOutcome } from './records.ts';

/** How register accesses and interrupts leave the kernel: implemented by the platform. */
export interface Bus {
  mmioRead(proc: number, dev: number, off: number, size: AccessSize): number;
  /** A handler may return a continuation to run on the caller's context (synchronous exit). */
  mmioWrite(proc: number, dev: number, off: number, size: AccessSize, value: number): Process | undefined;
  setIrq(proc: number, line: number, level: 0 | 1): void;
  sendMsi(proc: number, addr: number, data: number): void;
  /** False while the device is busy in another context (QEMU's BQL): the access waits. */
  accessible(proc: number, dev: number): boolean;
}

/** A process that can be interrupted (a vCPU): the platform says when and with what handler. */
export interface InterruptInput {
  /** An interrupt is deliverable to this CPU now. */
  pending(): boolean;
  /** Deliver it: the handler to run nested, and the line it is for. */
  take(): { readonly handler: Process; readonly line: number };
  /** The handler returned (end of interrupt). */
  done(line: number): void;
}

export interface SpawnOptions {
  readonly interrupts?: InterruptInput;
}

export interface WorldOptions {
  readonly memory: Memory;
  readonly bus: Bus;
  readonly memoryModel: MemoryModelName;
  readonly source: ChoiceSource;
  readonly maxSteps: number;
  /**
   * TSO store-buffer depth: a store into a full buffer first makes the oldest entry visible
   * (the core stalls until one drains). Unbounded when absent; litmus searches use 1–2.
   */
  readonly storeBufferDepth?: number;
  /** Called for every record; the default keeps them all in `trace`. */
  readonly onRecord?: (r: KernelRecord) => void;
  /**
   * Mutation testing (src/mutate): wraps each generator a frame runs (a process body, an
   * interrupt handler, a trapped exit's continuation) to rewrite its effect stream. Unset:
   * nothing is wrapped; the step loop never looks at it.
   */
  readonly wrap?: (proc: number, gen: Process) => Process;
}

interface Frame {
  readonly gen: Process;
  pending: RecordedEffect | undefined;
  /**
   * `pending.kind`, kept beside it: effects come in a dozen shapes, so reading `kind` off
   * them is a megamorphic load, and the step loop asks it of every process at every step.
   */
  pendingKind: RecordedEffect['kind'] | undefined;
  /** 'interrupt': resumes the parent's pending effect; 'call': resumes the parent with `callResult`. */
  readonly mode: 'root' | 'interrupt' | 'call';
  readonly line: number;
  readonly callResult: number;
  /** Which nested context of its process this is (0 = the body): a PCT agent of its own. */
  readonly context: number;
  /**
   * A hash of every value this generator was resumed with. Its local variables are a function
   * of them, so the exhaustive explorer's state fingerprint uses it in place of the locals.
   */
  history: number;
}

export class ProcessState {
  readonly frames: Frame[] = [];
  readonly buffer = new StoreBuffer();
  done = false;
  /** Nested contexts entered so far (numbers them for `Frame.context`). */
  contexts = 0;
  constructor(readonly index: number, readonly name: string, readonly interrupts: InterruptInput | undefined) {}
  get top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }
}

/** A failure of the kernel itself, never of the processes under test. */
export class KernelBug extends Error {
  constructor(message: string) {
    super(`[kernel bug] ${message}`);
  }
}

/**
 * The world whose process is being stepped (a simulation is single-threaded and runs one
 * world at a time): platform code that models an instruction with no effect of its own (a
 * spinlock's release) reaches the running process's store buffer through it.
 */
let running: World | undefined;

/** The store buffer of the process whose step is running, if any. */
export function runningStoreBuffer(): StoreBuffer | undefined {
  const w = running;
  return w !== undefined && w.current >= 0 ? w.procs[w.current]?.buffer : undefined;
}

export class World {
  readonly procs: ProcessState[] = [];
  readonly trace: KernelRecord[] = [];
  step = 0;
  /** The process whose step is being executed (platform code acting inside an effect uses it). */
  current = -1;
  /** Enabled choices of the current step: up to four per process (step, flush, interrupt, reordered flush). */
  private codes = new Int32Array(0);
  private readonly tso: boolean;
  private readonly pso: boolean;
  private readonly depth: number;
  private readonly onRecord: ((r: KernelRecord) => void) | undefined;

  constructor(readonly options: WorldOptions) {
    this.tso = options.memoryModel !== 'sc'; // buffered stores (TSO, and PSO on top)
    this.pso = options.memoryModel === 'pso';
    this.depth = options.storeBufferDepth ?? Infinity;
    this.onRecord = options.onRecord;
  }

  /** Every record goes here: to `onRecord`, else into `trace` (a direct push, which the JIT inlines; a bound push it does not). */
  private record(r: KernelRecord): void {
    if (this.onRecord !== undefined) this.onRecord(r);
    else this.trace.push(r);
  }

  /** Add a process; its first effect is fetched at once (effects are known before they run). */
  spawn(name: string, body: Process, opts: SpawnOptions = {}): number {
    running = this;
    const p = new ProcessState(this.procs.length, name, opts.interrupts);
    this.procs.push(p);
    p.frames.push({ gen: this.options.wrap ? this.options.wrap(p.index, body) : body, pending: undefined, pendingKind: undefined, mode: 'root', line: -1, callResult: 0, context: 0, history: 0 });
    this.current = p.index;
    try {
      this.advance(p, 0);
    } catch (err) {
      this.fault(p, err);
    }
    return p.index;
  }

  /** Platform code acting inside an effect (a register handler, a locked section) records here. */
  emit(proc: number, effect: RecordedEffect, result?: number): void {
    this.record({ kind: 'effect', step: this.step, proc, effect, result });
  }

  // --- device API hook: the synchronous-device adapter writes guest memory inside one step
  /**
   * Platform code writing guest memory directly inside an atomic step (a register handler or
   * a locked run, which drained the store buffer): visible at once — recorded as the store
   * and, under TSO, as its flush, so the oracles see it commit.
   */
  emitDirectStore(proc: number, effect: RecordedEffect & { kind: 'store' }): void {
    this.options.memory.write(effect.addr, effect.size, effect.value);
    this.record({ kind: 'effect', step: this.step, proc, effect, result: undefined });
    if (this.tso) this.record({ kind: 'flush', step: this.step, proc, addr: effect.addr, size: effect.size, value: effect.value });
  }
  // --- end device API hook

  /** Run until quiescence, the step budget, or a fault of a process under test. */
  run(): RunOutcome {
    running = this;
    if (this.codes.length < 4 * this.procs.length) this.codes = new Int32Array(4 * this.procs.length);
    const { procs, codes } = this;
    const bus = this.options.bus;
    const max = this.options.maxSteps;
    for (;;) {
      let n = 0;
      for (let i = 0; i < procs.length; i++) {
        const p = procs[i]!;
        if (!p.done) {
          const top = p.frames[p.frames.length - 1]!;
          const k = top.pendingKind;
          if (k === 'wait' ? (top.pending as WaitEffect).until() : k === 'mmioRead' || k === 'mmioWrite' ? bus.accessible(i, (top.pending as MmioReadEffect | MmioWriteEffect).dev) : true) {
            codes[n++] = (top.context << 12) | i;
          }
        }
        if (p.buffer.length > 0) codes[n++] = choiceCode(ChoiceKind.Flush, i);
        if (this.pso && p.buffer.length > 1 && p.buffer.reorderable() > 0) codes[n++] = choiceCode(ChoiceKind.FlushReordered, i);
        // Interrupts are off while a handler or a trapped exit runs on this CPU (more than one frame).
        if (p.interrupts !== undefined && p.frames.length === 1 && !p.done && p.interrupts.pending()) codes[n++] = choiceCode(ChoiceKind.Interrupt, i);
      }
      if (n === 0) {
        this.record({ kind: 'quiescent', step: this.step });
        return 'quiescent';
      }
      if (this.step >= max) {
        this.record({ kind: 'budget', step: this.step });
        return 'budget';
      }
      const code = n === 1 ? codes[0]! : codes[this.options.source.choose(codes, n, this.step)]!;
      const p = procs[code & 1023]!;
      this.current = p.index;
      try {
        switch ((code >> 10) & 3) {
          case ChoiceKind.Step: this.execute(p); break;
          case ChoiceKind.Flush: this.flush(p); break;
          case ChoiceKind.FlushReordered: this.flushReordered(p); break;
          default: this.interrupt(p);
        }
      } catch (err) {
        this.fault(p, err);
        return 'fault';
      }
      this.step++;
    }
  }

  private flush(p: ProcessState): void {
    const e = p.buffer.shift();
    this.options.memory.write(e.addr, e.size, e.value);
    this.record({ kind: 'flush', step: this.step, proc: p.index, addr: e.addr, size: e.size, value: e.value });
  }

  /** PSO: a younger store becomes visible ahead of older ones (StoreBuffer.reorderable). */
  private flushReordered(p: ProcessState): void {
    const e = p.buffer.takeAt(p.buffer.reorderable());
    this.options.memory.write(e.addr, e.size, e.value);
    this.record({ kind: 'flush', step: this.step, proc: p.index, addr: e.addr, size: e.size, value: e.value });
  }

  private drain(p: ProcessState): void {
    while (p.buffer.length > 0) this.flush(p);
  }

  private interrupt(p: ProcessState): void {
    const { handler, line } = p.interrupts!.take();
    this.record({ kind: 'irqEnter', step: this.step, proc: p.index, line });
    p.frames.push({ gen: this.options.wrap ? this.options.wrap(p.index, handler) : handler, pending: undefined, pendingKind: undefined, mode: 'interrupt', line, callResult: 0, context: (++p.contexts) & 0x7ffff, history: 0 });
    this.advance(p, 0);
  }

  /** Perform the pending effect of `p`'s top frame, then fetch its next effect. */
  private execute(p: ProcessState): void {
    const top = p.top;
    const kind = top.pendingKind!;
    // Dispatch on the kind kept in the frame, not `pending.kind` (a megamorphic load: see
    // `Frame.pendingKind`); each case views the effect as the type its kind says.
    const pending = top.pending!;
    const memory = this.options.memory;
    let result = 0;
    switch (kind) {
      case 'load': {
        const e = pending as LoadEffect;
        result = this.tso ? p.buffer.forward(memory, e.addr, e.size) : memory.read(e.addr, e.size);
        break;
      }
      case 'store': {
        const e = pending as StoreEffect;
        if (this.tso) {
          if (p.buffer.length >= this.depth) this.flush(p); // a full buffer drains its oldest entry first
          p.buffer.push(e);
        } else memory.write(e.addr, e.size, e.value);
        break;
      }
      case 'rmw': {
        const e = pending as RmwEffect;
        this.drain(p); // a locked instruction drains the store buffer (x86)
        result = memory.read(e.addr, e.size);
        memory.write(e.addr, e.size, rmwNewValue(e, result));
        break;
      }
      case 'fence':
        if (this.tso && (pending as FenceEffect).fence === 'full') this.drain(p);
        else if (this.pso && (pending as FenceEffect).fence === 'wmb') p.buffer.barrier(); // smp_wmb orders the stores around it
        break;
      case 'mmioRead': {
        const e = pending as MmioReadEffect;
        this.drain(p); // a trapped access is serialising
        const rec = { kind: 'effect' as const, step: this.step, proc: p.index, effect: pending, result: undefined as number | undefined };
        this.record(rec);
        result = this.options.bus.mmioRead(p.index, e.dev, e.off, e.size);
        rec.result = result;
        this.advance(p, result);
        return;
      }
      case 'mmioWrite': {
        const e = pending as MmioWriteEffect;
        this.drain(p);
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: pending, result: undefined });
        const call = this.options.bus.mmioWrite(p.index, e.dev, e.off, e.size, e.value);
        if (call) p.frames.push({ gen: this.options.wrap ? this.options.wrap(p.index, call) : call, pending: undefined, pendingKind: undefined, mode: 'call', line: -1, callResult: 0, context: (++p.contexts) & 0x7ffff, history: 0 });
        this.advance(p, 0);
        return;
      }
      case 'setIrq': {
        const e = pending as SetIrqEffect;
        this.drain(p); // injecting an interrupt takes locks on the host: serialising
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: pending, result: undefined });
        this.options.bus.setIrq(p.index, e.line, e.level);
        this.advance(p, 0);
        return;
      }
      case 'sendMsi': {
        const e = pending as SendMsiEffect;
        this.drain(p);
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: pending, result: undefined });
        this.options.bus.sendMsi(p.index, e.addr, e.data);
        this.advance(p, 0);
        return;
      }
      case 'locked':
        this.drain(p); // taking the device lock is a locked instruction: serialising
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: pending, result: undefined });
        (pending as LockedEffect).run();
        this.advance(p, 0);
        return;
      case 'wait':
        break;
      case 'note':
        throw new KernelBug('a note is never pending');
      default:
        return assertNever(kind);
    }
    this.record({ kind: 'effect', step: this.step, proc: p.index, effect: pending, result: kind === 'load' || kind === 'rmw' ? result : undefined });
    this.advance(p, result);
  }

  /**
   * Resume the top frame with `value` and fetch its next switch point. Notes run inline
   * (they are not switch points); finished frames pop and resume their parent.
   */
  private advance(p: ProcessState, value: number): void {
    let v = value;
    for (;;) {
      const frame = p.top;
      frame.history = (Math.imul(frame.history ^ v, 0x01000193) + 1) | 0;
      const r = frame.gen.next(v);
      if (!r.done) {
        const e = r.value;
        const kind = e.kind;
        if (kind === 'note') {
          this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: undefined });
          v = 0;
          continue;
        }
        if (kind === 'checkpoint') {
          // The site counts: two checkpoints with equal live values can lead on to different code.
          let h = 0x2f1c;
          for (let c = 0; c < e.site.length; c++) h = Math.imul(h ^ e.site.charCodeAt(c), 0x01000193);
          for (const x of e.live) h = (Math.imul(h ^ x, 0x01000193) + 1) | 0;
          frame.history = h; // resumed below with 0, as after a note
          v = 0;
          continue;
        }
        frame.pending = e;
        frame.pendingKind = kind;
        return;
      }
      p.frames.pop();
      if (frame.mode === 'root') {
        p.done = true;
        this.record({ kind: 'exit', step: this.step, proc: p.index });
        return;
      }
      if (frame.mode === 'interrupt') {
        this.record({ kind: 'irqExit', step: this.step, proc: p.index, line: frame.line });
        p.interrupts!.done(frame.line);
        return; // the interrupted frame's pending effect is still pending
      }
      v = frame.callResult; // 'call': resume the caller after its trapped access
    }
  }

  /** A throw from a process under test is its fault: recorded, and the run ends. */
  private fault(p: ProcessState, err: unknown): void {
    if (err instanceof KernelBug) throw err;
    const message = err instanceof Error ? err.message : String(err);
    this.record({ kind: 'fault', step: this.step, proc: p.index, message });
    p.done = true;
  }
}

export function assertNever(x: never): never {
  throw new KernelBug(`unhandled effect ${JSON.stringify(x)}`);
}
