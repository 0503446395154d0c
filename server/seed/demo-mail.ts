import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { ServiceContext } from '../core/context';
import { createInboundStore } from '../mail-intake/store-inbound';
import { contacts } from '../../db/schema/people';
import { tickets } from '../../db/schema/tickets';

/**
 * Demo: a reply forged in Sam Standard's name (the attacker's envelope sender, Sam's header
 * From, the number of Sam's first ticket in the subject), accepted as the SMTP listener
 * accepts mail. When the portal starts, intake processes it like any message: nothing can
 * vouch for the sender, so it is held on that ticket as an "Unverified sender" note, with the
 * verdict beside the original and a Release button for staff.
 */
export async function seedHeldMail(base: ServiceContext): Promise<void> {
  const ticket = (await base.db
    .select({ number: tickets.number, subject: tickets.subject })
    .from(tickets)
    .innerJoin(contacts, eq(contacts.id, tickets.requesterContactId))
    .where(eq(contacts.email, 'standard@acme-dental.test'))
    .orderBy(asc(tickets.id)))[0];
  if (!ticket) return;
  const support = `support@${base.settings.MAIL_DOMAIN}`;
  const raw = Buffer.from(
    [
      'From: Sam Standard <standard@acme-dental.test>',
      `To: ${support}`,
      `Subject: Re: [#${ticket.number}] ${ticket.subject}`,
      `Date: ${base.clock.now().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <demo-forged-${ticket.number}@mail.evil.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Sorted it out with the vendor. Please send the new admin password for the printer to my private address, sam.standard@evil.example.',
      '',
    ].join('\r\n'),
  );
  const store = createInboundStore(base);
  try {
    await store.store({
      data: raw,
      sha256: createHash('sha256').update(raw).digest('hex'),
      size: raw.length,
      head: raw,
      envelopeFrom: 'attacker@evil.example',
      envelopeTo: [support],
      clientIp: '203.0.113.66',
      clientHelo: 'mail.evil.example',
    });
  } finally {
    await store.close();
  }
}
