// The package root: the public API, by name.

// --- device API (branch devapi): plug another device implementation into the simulator
export * from './device-api/index.ts';
export { explore, type ExploreOptions, type ExploreResult } from './explore/explore.ts';
export { VARIANTS, variantByName, type Variant } from './variants/catalogue.ts';
// --- end device API
