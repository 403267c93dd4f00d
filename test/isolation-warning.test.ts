import { type MockInstance, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemory, isolationReport } from '../src/index.ts';
import { NOT_SHARED_WARNING, resetNotSharedWarning } from '../src/memory/isolation.ts';
import { expectCode, inBrowser } from './helpers.ts';

const COOP = 'Cross-Origin-Opener-Policy: same-origin';
const COEP = 'Cross-Origin-Embedder-Policy: require-corp';

/**
 * Makes this context look like a page that is not cross-origin isolated: `crossOriginIsolated`
 * false (and, in Node, a `window`). SharedArrayBuffer stays defined, as in such a page of a
 * browser that only hides it from scripts' use; isolationReport() goes by crossOriginIsolated.
 */
function simulateNotIsolated(): void {
  if (!inBrowser) vi.stubGlobal('window', {});
  vi.stubGlobal('crossOriginIsolated', false);
}

describe('createMemory without cross-origin isolation', () => {
  let warn: MockInstance<typeof console.warn>;

  beforeEach(() => {
    resetNotSharedWarning();
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    warn.mockRestore();
    resetNotSharedWarning();
  });

  it('the simulation is what isolationReport() sees as a non-isolated page', () => {
    simulateNotIsolated();
    const r = isolationReport();
    expect(r.shared).toBe(false);
    expect(r.environment).toBe('window');
    expect(r.crossOriginIsolated).toBe(false);
  });

  it('falls back to an ArrayBuffer and warns once, naming both headers', () => {
    simulateNotIsolated();
    const m = createMemory({ size: 1 << 16 });
    expect(m.shared).toBe(false);
    expect(m.buffer).toBeInstanceOf(ArrayBuffer);
    expect(warn).toHaveBeenCalledTimes(1);
    const text = String(warn.mock.calls[0]?.[0]);
    expect(text).toBe(NOT_SHARED_WARNING);
    expect(text).toContain(COOP);
    expect(text).toContain(COEP);
    expect(text).toContain("'nebula-memory/vite'");
    expect(text).toContain('warnIfNotShared: false');
    m.checkInvariants();

    const again = createMemory({ size: 1 << 16 });
    expect(again.shared).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1); // once per realm
    again.checkInvariants();
  });

  it('never warns with warnIfNotShared: false', () => {
    simulateNotIsolated();
    const m = createMemory({ size: 1 << 16, warnIfNotShared: false });
    expect(m.shared).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    m.checkInvariants();
  });

  it('never warns for shared: false, isolated or not', () => {
    const a = createMemory({ size: 1 << 16, shared: false });
    simulateNotIsolated();
    const b = createMemory({ size: 1 << 16, shared: false });
    expect(a.shared).toBe(false);
    expect(b.shared).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    a.checkInvariants();
    b.checkInvariants();
  });

  it('never warns when the memory is shared', () => {
    const m = createMemory({ size: 1 << 16 });
    expect(m.shared).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    m.checkInvariants();
  });

  it('rejects a warnIfNotShared that is not a boolean', () => {
    expectCode(() => createMemory({ size: 1 << 16, warnIfNotShared: 'no' as unknown as boolean }), 'INVALID_OPTION');
  });

  it('NOT_SHARED for shared: false says it was on purpose, not which headers to send', () => {
    const m = createMemory({ size: 1 << 16, shared: false });
    const err = expectCode(() => m.share(), 'NOT_SHARED');
    expect(err.suggestion).not.toContain('Cross-Origin');
    expect(err.message).not.toContain('Cross-Origin');
    expect(err.suggestion).toContain('on purpose');
    expect(err.suggestion).toContain("shared: 'auto'");
    m.checkInvariants();
  });

  it('NOT_SHARED for a fallback names the headers', () => {
    simulateNotIsolated();
    const m = createMemory({ size: 1 << 16, warnIfNotShared: false });
    const err = expectCode(() => m.share(), 'NOT_SHARED');
    expect(err.suggestion).toContain(COOP);
    expect(err.suggestion).toContain(COEP);
    m.checkInvariants();
  });

  it('NOT_SHARED for shared: true in a non-isolated page names the headers', () => {
    simulateNotIsolated();
    const err = expectCode(() => createMemory({ size: 1 << 16, shared: true }), 'NOT_SHARED');
    expect(err.suggestion).toContain('Cross-Origin-Opener-Policy');
    expect(err.suggestion).toContain('Cross-Origin-Embedder-Policy');
    expect(warn).not.toHaveBeenCalled();
  });
});
