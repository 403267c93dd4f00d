// The two build switches, as global constants a bundler defines (see src/build.ts). Checks sit
// behind `if (__NEBULA_CHECKS__)`; src/build.ts defines it as true where nothing replaced it.
declare const __NEBULA_CHECKS__: boolean | undefined;
declare const __NEBULA_STATS__: boolean | undefined;
