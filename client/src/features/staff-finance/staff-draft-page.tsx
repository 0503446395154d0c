import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, Show, type Accessor, type JSX } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { recordId, RecordView } from '../../ui/record-state';
import { onFinanceChange } from '../finance/finance-kit';
import { DraftEditor, type TDraft, type TDraftKind } from './draft-editor';

type TControls<T> = {
  refetch: () => void;
  mutate: (doc: T) => void;
  /** The draft note and the editor, for a document still in draft. */
  editor: () => JSX.Element;
};

/**
 * What the staff invoice and quote pages share: /staff/finance/<kind>/new opens an empty
 * editor (for the company in `?company=`), any other id loads that document, kept current
 * live, and hands it to `children` to show.
 */
export function StaffDraftPage<T extends TDraft>(props: {
  kind: TDraftKind<T>;
  back: JSX.Element;
  load: (id: number) => Promise<T>;
  children: (doc: Accessor<T>, controls: TControls<T>) => JSX.Element;
}) {
  const kind = props.kind;
  const params = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const isNew = () => params.id === 'new';
  const [companies] = createResource(() => trpc.finance.companies.query());
  const [summary] = createResource(() => trpc.finance.summary.query({}));
  const id = () => (isNew() ? null : recordId(params.id));
  const [doc, { refetch, mutate }] = createResource(id, (docId) => props.load(docId));
  onFinanceChange(() => void (isNew() || refetch()));

  return (
    <>
      <p>{props.back}</p>
      <Show when={isNew()}>
        <h1>New {kind.noun}</h1>
        <Show when={summary()} fallback={<p>Loading…</p>}>
          <DraftEditor
            kind={kind}
            currency={summary()!.currency}
            companyId={typeof search.company === 'string' ? search.company : undefined}
            companies={companies}
            onSaved={(saved) => navigate(`/staff/finance/${kind.path}/${saved.id}`, { replace: true })}
          />
        </Show>
      </Show>
      <Show when={!isNew()}>
      <RecordView record={doc} validId={id() !== null} noun={kind.noun[0]!.toUpperCase() + kind.noun.slice(1)} back={{ href: kind.path === 'invoices' ? '/staff/finance' : `/staff/finance/${kind.path}`, label: kind.path === 'invoices' ? '← Billing' : '← Quotes' }}>
        {(d) =>
          props.children(d, {
            refetch: () => void refetch(),
            mutate: (next) => mutate(() => next),
            editor: () => (
              <>
                <p class="muted">{kind.draftNote}</p>
                <DraftEditor kind={kind} initial={d()} currency={d().currency} companies={companies} onSaved={(saved) => mutate(() => saved)} />
              </>
            ),
          })
        }
      </RecordView>
      </Show>
    </>
  );
}
