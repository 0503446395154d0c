/**
 * A library only some requests need (card payments, PDFs, image re-encoding, SSO, passkeys,
 * mail parsing), imported the first time one does rather than at start: `import()` once, the
 * same promise after. A failed import is forgotten, so the next use tries again.
 */
export function loadOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}
