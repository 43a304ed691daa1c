// The world: processes, memory, the bus to devices, and the step loop. It interprets
// effects, records each one, and asks its choice source who runs next. Nothing else is
// nondeterministic, so the recorded path replays a run exactly.

import { type AccessSize, type Process, type RecordedEffect, rmwNewValue } from './effects.ts';
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

export class World {
  readonly procs: ProcessState[] = [];
  readonly trace: KernelRecord[] = [];
  step = 0;
  /** The process whose step is being executed (platform code acting inside an effect uses it). */
  current = -1;
  /** Enabled choices of the current step: up to three per process (step, flush, interrupt). */
  private codes = new Int32Array(0);
  private readonly tso: boolean;
  private readonly depth: number;
  private readonly record: (r: KernelRecord) => void;

  constructor(readonly options: WorldOptions) {
    this.tso = options.memoryModel === 'tso';
    this.depth = options.storeBufferDepth ?? Infinity;
    const trace = this.trace;
    this.record = options.onRecord ?? trace.push.bind(trace);
  }

  /** Add a process; its first effect is fetched at once (effects are known before they run). */
  spawn(name: string, body: Process, opts: SpawnOptions = {}): number {
    const p = new ProcessState(this.procs.length, name, opts.interrupts);
    this.procs.push(p);
    p.frames.push({ gen: this.options.wrap ? this.options.wrap(p.index, body) : body, pending: undefined, mode: 'root', line: -1, callResult: 0, context: 0, history: 0 });
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

  /** Run until quiescence, the step budget, or a fault of a process under test. */
  run(): RunOutcome {
    if (this.codes.length < 3 * this.procs.length) this.codes = new Int32Array(3 * this.procs.length);
    const { procs, codes } = this;
    const bus = this.options.bus;
    const max = this.options.maxSteps;
    for (;;) {
      let n = 0;
      for (let i = 0; i < procs.length; i++) {
        const p = procs[i]!;
        if (!p.done) {
          const e = p.frames[p.frames.length - 1]!.pending!;
          const k = e.kind;
          if (k === 'wait' ? e.until() : k === 'mmioRead' || k === 'mmioWrite' ? bus.accessible(i, e.dev) : true) {
            codes[n++] = (p.frames[p.frames.length - 1]!.context << 12) | i;
          }
        }
        if (p.buffer.length > 0) codes[n++] = choiceCode(ChoiceKind.Flush, i);
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

  private drain(p: ProcessState): void {
    while (p.buffer.length > 0) this.flush(p);
  }

  private interrupt(p: ProcessState): void {
    const { handler, line } = p.interrupts!.take();
    this.record({ kind: 'irqEnter', step: this.step, proc: p.index, line });
    p.frames.push({ gen: this.options.wrap ? this.options.wrap(p.index, handler) : handler, pending: undefined, mode: 'interrupt', line, callResult: 0, context: (++p.contexts) & 0x7ffff, history: 0 });
    this.advance(p, 0);
  }

  /** Perform the pending effect of `p`'s top frame, then fetch its next effect. */
  private execute(p: ProcessState): void {
    const e = p.top.pending!;
    const memory = this.options.memory;
    let result = 0;
    switch (e.kind) {
      case 'load':
        result = this.tso ? p.buffer.forward(memory, e.addr, e.size) : memory.read(e.addr, e.size);
        break;
      case 'store':
        if (this.tso) {
          if (p.buffer.length >= this.depth) this.flush(p); // a full buffer drains its oldest entry first
          p.buffer.push(e.addr, e.size, e.value);
        } else memory.write(e.addr, e.size, e.value);
        break;
      case 'rmw': {
        this.drain(p); // a locked instruction drains the store buffer (x86)
        result = memory.read(e.addr, e.size);
        memory.write(e.addr, e.size, rmwNewValue(e, result));
        break;
      }
      case 'fence':
        if (this.tso && e.fence === 'full') this.drain(p);
        break;
      case 'mmioRead': {
        this.drain(p); // a trapped access is serialising
        const rec = { kind: 'effect' as const, step: this.step, proc: p.index, effect: e, result: undefined as number | undefined };
        this.record(rec);
        result = this.options.bus.mmioRead(p.index, e.dev, e.off, e.size);
        rec.result = result;
        this.advance(p, result);
        return;
      }
      case 'mmioWrite':
        this.drain(p);
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: undefined });
        const call = this.options.bus.mmioWrite(p.index, e.dev, e.off, e.size, e.value);
        if (call) p.frames.push({ gen: this.options.wrap ? this.options.wrap(p.index, call) : call, pending: undefined, mode: 'call', line: -1, callResult: 0, context: (++p.contexts) & 0x7ffff, history: 0 });
        this.advance(p, 0);
        return;
      case 'setIrq':
        this.drain(p); // injecting an interrupt takes locks on the host: serialising
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: undefined });
        this.options.bus.setIrq(p.index, e.line, e.level);
        this.advance(p, 0);
        return;
      case 'sendMsi':
        this.drain(p);
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: undefined });
        this.options.bus.sendMsi(p.index, e.addr, e.data);
        this.advance(p, 0);
        return;
      case 'locked':
        this.drain(p); // taking the device lock is a locked instruction: serialising
        this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: undefined });
        e.run();
        this.advance(p, 0);
        return;
      case 'wait':
        break;
      case 'note':
        throw new KernelBug('a note is never pending');
      default:
        return assertNever(e);
    }
    this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: e.kind === 'load' || e.kind === 'rmw' ? result : undefined });
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
        if (e.kind === 'note') {
          this.record({ kind: 'effect', step: this.step, proc: p.index, effect: e, result: undefined });
          v = 0;
          continue;
        }
        if (e.kind === 'checkpoint') {
          // The site counts: two checkpoints with equal live values can lead on to different code.
          let h = 0x2f1c;
          for (let c = 0; c < e.site.length; c++) h = Math.imul(h ^ e.site.charCodeAt(c), 0x01000193);
          for (const x of e.live) h = (Math.imul(h ^ x, 0x01000193) + 1) | 0;
          frame.history = h; // resumed below with 0, as after a note
          v = 0;
          continue;
        }
        frame.pending = e;
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
