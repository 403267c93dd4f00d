/**
 * Setup mistakes: sharing a memory that cannot be shared, region names and kinds, sizes and
 * options, and the typed layer's temporaries and cursors. Most of these happen once, at startup,
 * and are fixed in the config.
 */
import { createMemory } from 'nebula-memory';
import { createTemps, cursor, struct } from 'nebula-memory/typed';
import type { Misuse } from './game-memory.ts';

export const setupMisuses: readonly Misuse[] = [
  {
    title: 'share() on a memory that is not shared',
    code: 'NOT_SHARED',
    checkedOnly: false,
    lesson: 'serve the page cross-origin isolated (COOP/COEP headers) and keep shared: "auto" or true.',
    trigger(_game, facts) {
      // A tool page made its memory single-threaded on purpose. On a page that is not
      // cross-origin isolated, shared: 'auto' falls back to this too, and memory.isolation.reason
      // says why (the suggestion then names the two headers to send).
      const local = createMemory({ size: 64 << 10, shared: false });
      facts.shared = local.shared ? 1 : 0;
      local.share(); // a worker would get a copy, not the same memory: throws NOT_SHARED
    },
  },
  {
    title: 'region looked up by a wrong name',
    code: 'REGION_NOT_FOUND',
    checkedOnly: false,
    lesson: 'create regions before workers look them up; state.regions lists what exists.',
    trigger({ memory }) {
      memory.pool('bullet'); // a typo for "bullets": throws REGION_NOT_FOUND
    },
  },
  {
    title: 'region looked up as the wrong kind',
    code: 'REGION_KIND_MISMATCH',
    checkedOnly: false,
    lesson: 'use the accessor of its kind: memory.arena(), memory.pool() or memory.stack().',
    trigger({ memory }) {
      memory.pool('frame'); // "frame" is an arena: throws REGION_KIND_MISMATCH
    },
  },
  {
    title: 'region larger than what is left of the buffer',
    code: 'OUT_OF_MEMORY',
    checkedOnly: false,
    lesson: 'plan regions at startup and size the memory for all of them (the suggestion gives the minimum).',
    trigger({ memory }, facts) {
      facts.unusedBytes = memory.unusedBytes;
      memory.createArena('level', { capacity: 4 << 20 }); // 4 MiB in a 1 MiB memory: throws OUT_OF_MEMORY
    },
  },
  {
    title: 'an option out of range',
    code: 'INVALID_OPTION',
    checkedOnly: false,
    lesson: 'the message names the option and its allowed values; nothing was created.',
    trigger({ memory }) {
      const maxSparks = 0; // read from a settings file that was empty
      memory.createPool('sparks', { slotSize: 16, capacity: maxSparks }); // throws INVALID_OPTION
    },
  },
  {
    title: 'more gl-matrix temporaries in one frame than the ring holds',
    code: 'TEMP_RING_EXHAUSTED',
    checkedOnly: false,
    lesson: 'raise that kind\'s count in createTemps(), keep long-lived values out of temporaries, or onExhausted: "grow".',
    trigger({ memory }, facts) {
      // 16 vec3 views guaranteed per frame (the ring holds a few more), no other kinds:
      const tmp = createTemps(memory, { name: 'tmp', vec3: 16, vec2: 0, vec4: 0, quat: 0, mat3: 0, mat4: 0 });
      facts.views = tmp.stats().rings.vec3.views;
      // A loop that takes one temporary per enemy, 100 enemies, all in one frame:
      for (let i = 0; i < 100; i++) tmp.vec3(); // throws TEMP_RING_EXHAUSTED once the ring is used up
    },
  },
  {
    title: 'struct cursor moved to a misaligned offset',
    code: 'STRUCT_INVALID',
    checkedOnly: true,
    lesson: 'move cursors to offsets from alloc(layout.size, layout.align) or typed(...).alloc().',
    trigger({ memory, frame }, facts) {
      const Enemy = struct({ hp: 'f32', pos: 'vec3', t: 'f64' }, { name: 'Enemy' }); // align 8, size 24
      const p = frame.alloc(Enemy.size, Enemy.align);
      facts.offset = p;
      facts.align = Enemy.align;
      cursor(memory, Enemy).at(p + 4); // "skip the hp field": throws STRUCT_INVALID (not 8-aligned)
    },
  },
];
