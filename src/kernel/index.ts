// The kernel's public surface: effects, processes, choice sources, memory models, the world.
export * from './effects.ts';
export * from './choice.ts';
export * from './memory-model.ts';
export * from './records.ts';
export * from './world.ts';
export * from './path.ts';
export * from './prng.ts';
export * from './dfs.ts';
