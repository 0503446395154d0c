import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { getSecuritySettings, setCompanyTwoFactor, updateSecuritySettings } from '../../../server/admin/security-settings';
import { mustSetUpTwoFactor } from '../../../server/auth/two-factor-requirement';
import { policyForProvider } from '../../../server/auth/password-policy';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

describe('sign-in security settings', () => {
  it('lets an admin set the password policy and require 2FA per company', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    await updateSecuritySettings(admin, { passwordMinLength: 12, passwordRequireClasses: true, requireStaff2fa: true }, '10.3.0.1');
    const s = await getSecuritySettings(admin);
    expect(s).toMatchObject({ passwordMinLength: 12, passwordRequireClasses: true, requireStaff2fa: true });
    expect(await policyForProvider(base.db, admin.actor.kind === 'staff' ? admin.actor.providerId : 0)).toMatchObject({ minLength: 12, requireClasses: true });

    const acme = s.companies.find((c) => c.name === 'Acme Dental')!;
    const contact = (await asDemoUser(base, 'standard@acme-dental.test')).actor;
    expect(await mustSetUpTwoFactor(base, contact)).toBe(false);
    await setCompanyTwoFactor(admin, { companyId: acme.id, require2fa: true }, '10.3.0.1');
    expect(await mustSetUpTwoFactor(base, contact)).toBe(true);
    expect(await mustSetUpTwoFactor(base, (await asDemoUser(base, 'standard@northwind.test')).actor)).toBe(false);
  });

  it('refuses bad values, technicians, contacts and other providers', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    await expect(updateSecuritySettings(admin, { passwordMinLength: 6, passwordRequireClasses: false, requireStaff2fa: true }, 'x')).rejects.toThrow('at least 8');
    await expect(updateSecuritySettings(admin, { passwordMinLength: 200, passwordRequireClasses: false, requireStaff2fa: true }, 'x')).rejects.toThrow('at most 64');
    await expect(getSecuritySettings(await asDemoUser(base, 'tech@demo-msp.test'))).rejects.toThrow('staff administrator');
    await expect(getSecuritySettings(await asDemoUser(base, 'primary@acme-dental.test'))).rejects.toThrow('staff only');

    const sys = withActor(base, system);
    const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp' });
    await createStaffMember(sys, other.id, { name: 'Olive Other', email: 'olive@other.test', role: 'admin' });
    const otherAdmin = await asDemoUser(base, 'olive@other.test');
    expect((await getSecuritySettings(otherAdmin)).companies).toEqual([]);
    const acmeId = (await getSecuritySettings(admin)).companies[0]!.id;
    await expect(setCompanyTwoFactor(otherAdmin, { companyId: acmeId, require2fa: false }, 'x')).rejects.toThrow('Company not found');
  });
});
