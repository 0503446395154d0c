import type { TDb } from '../../db/client';
import type { TSenderAuth } from '../../db/schema/inbound-mail';
import { judgeSender, senderPolicy, type TSenderCheck } from './sender-trust';

/** What staff see of a message's sender authentication: the stored results and what they mean under the provider's policy today. */
export interface TSenderVerdictView {
  auth: TSenderAuth | null;
  check: TSenderCheck;
}

export async function senderVerdict(db: TDb, row: { senderAuth: TSenderAuth | null; providerId: number | null; fromAddress: string | null }): Promise<TSenderVerdictView> {
  return { auth: row.senderAuth, check: judgeSender(row.senderAuth, await senderPolicy(db, row.providerId), row.fromAddress) };
}
