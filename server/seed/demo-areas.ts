import type { ServiceContext } from '../core/context';
import { seedFinance } from './demo-finance';
import { seedHeldMail } from './demo-mail';
import { seedTechnical } from './demo-technical';

/**
 * The company areas' demo data (invoices, quotes, assets, domains, ...) and a forged email
 * held for staff (./seed-mail.ts), after seedDemo.
 * `npm start` and `npm run db:seed` add it; tests seed what each of them needs.
 */
export async function seedDemoAreas(base: ServiceContext): Promise<void> {
  await seedFinance(base);
  await seedTechnical(base);
  await seedHeldMail(base);
}
