import { For, type Resource } from 'solid-js';
import type { trpc } from '../../lib/trpc';
import { Field } from '../finance/finance-kit';

export type TCompanies = Awaited<ReturnType<typeof trpc.finance.companies.query>>;

/** Today and a day offset in the browser's calendar, as the YYYY-MM-DD date inputs use. */
export const localDay = (offsetDays = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return d.toLocaleDateString('en-CA');
};

/** The company a new invoice, quote or subscription is for. */
export function CompanySelect(props: { id: string; companies: Resource<TCompanies>; value: string; onChange: (v: string) => void; error?: string; allLabel?: string }) {
  return (
    <Field id={props.id} label="Company" error={props.error}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} aria-invalid={!!props.error}>
        <option value="">{props.allLabel ?? 'Choose a company'}</option>
        <For each={props.companies() ?? []}>{(c) => <option value={String(c.id)} selected={String(c.id) === props.value}>{c.name}</option>}</For>
      </select>
    </Field>
  );
}
