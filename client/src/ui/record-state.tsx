import { A } from '@solidjs/router';
import { TRPCClientError } from '@trpc/client';
import { Match, Switch, type Accessor, type JSX, type Resource } from 'solid-js';
import { errorMessage } from '../lib/trpc';

/** A record id from the address: a positive whole number, or null (which no record has). */
export function recordId(raw: string | undefined): number | null {
  return raw && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : null;
}

/** The server's "not found" (a record that does not exist, or is not the caller's to see: both answer alike). */
export function isNotFound(err: unknown): boolean {
  return err instanceof TRPCClientError && (err.data as { code?: string } | undefined)?.code === 'NOT_FOUND';
}

/**
 * The one "not found" every record page shows, for an id that does not exist or belongs to
 * someone else (the two look the same, so ids of others reveal nothing).
 */
export function RecordNotFound(props: { noun: string; back: { href: string; label: string } }) {
  return (
    <section class="card record-not-found" aria-labelledby="record-not-found-title">
      <h1 id="record-not-found-title">{props.noun} not found</h1>
      <p>This {props.noun.toLowerCase()} does not exist, or it is not shared with you. Check the link, or find it in the list.</p>
      <p><A href={props.back.href}>{props.back.label}</A></p>
    </section>
  );
}

/**
 * A record page's three states around one resource: "Loading…", the shared not-found (also for
 * an id that cannot be one), another refusal as an alert, or the record itself. A failed
 * resource is never read (reading it throws), so a refusal never leaves "Loading…" up.
 */
export function RecordView<T>(props: {
  record: Resource<T>;
  /** False when the address holds no possible id: not found without asking the server. */
  validId: boolean;
  noun: string;
  back: { href: string; label: string };
  loading?: string;
  children: (record: Accessor<NonNullable<T>>) => JSX.Element;
}) {
  // `latest` keeps the record up while a live refetch runs, instead of flashing "Loading…".
  const value = () => {
    const { state, error } = props.record;
    return props.validId && !error && (state === 'ready' || state === 'refreshing') ? props.record.latest : undefined;
  };
  return (
    <Switch fallback={<p aria-busy="true">{props.loading ?? 'Loading…'}</p>}>
      {/* A loader may also answer null for a record it did not find. */}
      <Match when={!props.validId || isNotFound(props.record.error) || (props.record.state === 'ready' && props.record.latest == null)}>
        <RecordNotFound noun={props.noun} back={props.back} />
      </Match>
      <Match when={props.record.error}>
        <div class="card" role="alert"><p>{errorMessage(props.record.error)}</p></div>
      </Match>
      <Match when={value()}>{(record) => props.children(record)}</Match>
    </Switch>
  );
}
