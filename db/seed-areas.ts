import type { ServiceContext } from '../server/core/context';
import { seedFinance } from './seed-finance';
import { seedHeldMail } from './seed-mail';
import { seedTechnical } from './seed-technical';

/**
 * The company areas' demo data (invoices, quotes, assets, domains, ...) and a forged email
 * held for staff (./seed-mail.ts), after seedDemo.
 * `npm start` and `npm run db:seed` add it; tests seed what each of them needs.
 */
export async function seedDemoAreas(base: ServiceContext): Promise<void> {
  seedFinance(base);
  await seedTechnical(base);
  await seedHeldMail(base);
}
