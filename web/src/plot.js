// Observable Plot, in a chunk of its own (loaded on first chart).
export * from '@observablehq/plot';
