import { createSignal } from 'solid-js';
import { errorMessage, fieldErrors } from './trpc';

/**
 * The state every settings form shares: busy while saving, one error line, messages next to
 * fields, and a confirmation. `run` resets them, runs the save and shows its outcome.
 */
export function createFormState() {
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [saved, setSaved] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const run = async (save: () => Promise<string>) => {
    setBusy(true);
    setError('');
    setErrors({});
    setSaved('');
    try {
      setSaved(await save());
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  /** The first message for a field, if any. */
  const fieldError = (name: string) => errors()[name]?.[0];
  return { errors, error, saved, busy, run, fieldError };
}

/** A picked file as base64, for small uploads (photos, logos) sent through tRPC. */
export async function fileToBase64(file: File): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return btoa(bin);
}
